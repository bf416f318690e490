#include "server/app/journal_entry.h"

namespace metamock {

JournalEntry JournalEntryFor(const HttpRequest& request,
                             const HttpResponse& response, Endpoint endpoint,
                             absl::Time time, absl::Duration latency) {
  JournalEntry e;
  e.time = time;
  e.client = request.remote_addr;
  e.endpoint = EndpointName(endpoint);
  e.method = request.method;
  e.path = request.path;
  if (response.effect == ConnectionEffect::kNone) e.status = response.status;
  e.latency_ms = absl::ToDoubleMilliseconds(latency);
  e.token = request.headers.Has("X-aws-ec2-metadata-token");
  e.ttl_header =
      request.headers.Get("X-aws-ec2-metadata-token-ttl-seconds").value_or("");
  e.authorization = request.headers.Has("Authorization");
  e.user_agent = request.headers.Get("User-Agent").value_or("");
  e.forwarded_for = request.headers.Get("X-Forwarded-For").value_or("");
  return e;
}

}  // namespace metamock
