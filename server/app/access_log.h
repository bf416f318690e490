// The access line written to stderr for every request (DESIGN.md,
// "Command line"; --log-format, --quiet).
//
// Text:  `metamock: access: imds 127.0.0.1 GET /latest/api/token 200 0.08ms`
//        with ` fault=f1` appended when a fault rule fired, and `-` for the
//        status when no answer was sent (hang, reset, close).
// JSON:  `{"time":"...Z","level":"info","event":"request","endpoint":"imds",
//        "client":"127.0.0.1","method":"PUT","path":"/latest/api/token",
//        "status":200,"fault":null,"latency_ms":0.08}`.
// The line holds the path without its query, never a header: no token or
// credential value can appear in it. Paths are escaped (text) or quoted
// (JSON) so that a client cannot forge lines.

#ifndef METAMOCK_SERVER_APP_ACCESS_LOG_H_
#define METAMOCK_SERVER_APP_ACCESS_LOG_H_

#include <string>

#include "absl/time/time.h"
#include "server/journal/journal.h"
#include "server/util/log.h"

namespace metamock {

// The access line for `entry` in `format`, without the newline; `now` is
// the wall time for the JSON format's "time".
std::string AccessLine(const JournalEntry& entry, LogFormat format,
                       absl::Time now);

}  // namespace metamock

#endif  // METAMOCK_SERVER_APP_ACCESS_LOG_H_
