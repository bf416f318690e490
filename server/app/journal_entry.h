// Turns a request and its answer into a journal entry: what tests assert
// on, never a token's or a credential's value.

#ifndef METAMOCK_SERVER_APP_JOURNAL_ENTRY_H_
#define METAMOCK_SERVER_APP_JOURNAL_ENTRY_H_

#include "absl/time/time.h"
#include "server/app/request_router.h"
#include "server/http/http_types.h"
#include "server/journal/journal.h"

namespace metamock {

// The entry for `request` answered with `response` at virtual time `time`
// after `latency` of real time.
JournalEntry JournalEntryFor(const HttpRequest& request,
                             const HttpResponse& response, Endpoint endpoint,
                             absl::Time time, absl::Duration latency);

}  // namespace metamock

#endif  // METAMOCK_SERVER_APP_JOURNAL_ENTRY_H_
