#include "server/imds/imds_service.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "server/credentials/credential_schedule.h"
#include "server/imds/iam_documents.h"
#include "server/imds/imds_pages.h"
#include "server/imds/instance_metadata.h"
#include "server/util/aws_time.h"

namespace metamock {
namespace {

constexpr absl::string_view kTokenPath = "/latest/api/token";
constexpr absl::string_view kTtlHeader = "X-aws-ec2-metadata-token-ttl-seconds";
// The case AWS answers with.
constexpr absl::string_view kTtlResponseHeader =
    "X-Aws-Ec2-Metadata-Token-Ttl-Seconds";
constexpr absl::string_view kTokenHeader = "X-aws-ec2-metadata-token";

// The versions `/` lists; each is an alias of `latest`.
constexpr absl::string_view kVersions[] = {
    "1.0",        "2007-01-19", "2007-03-01", "2007-08-29", "2007-10-10",
    "2007-12-15", "2008-02-01", "2008-09-01", "2009-04-04", "2011-01-01",
    "2011-05-01", "2012-01-12", "2014-02-25", "2014-11-05", "2015-10-20",
    "2016-04-19", "2016-06-30", "2016-09-02", "2018-03-28", "2018-08-17",
    "2018-09-24", "2019-10-01", "2020-10-27", "2021-01-03", "2021-03-23",
    "2021-07-15", "2022-09-24", "latest"};

bool IsVersion(absl::string_view name) {
  return std::find(std::begin(kVersions), std::end(kVersions), name) !=
         std::end(kVersions);
}

HttpResponse Text(absl::string_view body,
                  absl::string_view content_type = "text/plain") {
  HttpResponse response;
  response.headers.Set("Content-Type", content_type);
  response.headers.Set("Accept-Ranges", "none");
  response.body = std::string(body);
  return response;
}

// 301 to the slashed form, on the Host the client used (the real service
// answers with its own address, which is the Host an SDK sends).
HttpResponse Redirect(const HttpRequest& request) {
  HttpResponse response;
  response.status = 301;
  std::string host = request.headers.Get("Host").value_or("169.254.169.254");
  response.headers.Set("Location",
                       absl::StrCat("http://", host, request.path, "/"));
  return response;
}

// Parses the TTL header: digits only, 1..21600.
bool ParseTtl(absl::string_view text, int64_t* ttl) {
  if (text.empty() || text.size() > 9 ||
      !std::all_of(text.begin(), text.end(),
                   [](char c) { return c >= '0' && c <= '9'; })) {
    return false;
  }
  return absl::SimpleAtoi(text, ttl) && *ttl >= TokenCodec::kMinTtlSeconds &&
         *ttl <= TokenCodec::kMaxTtlSeconds;
}

}  // namespace

ImdsService::ImdsService(World* world, Clock* clock, Clock* monotonic,
                         const TokenCodec* tokens,
                         const CredentialMinter* minter)
    : world_(world),
      clock_(clock),
      tokens_(tokens),
      minter_(minter),
      throttle_(monotonic) {}

std::shared_ptr<const ImdsService::Content> ImdsService::CurrentContent() {
  World::Loaded loaded = world_->Current();
  {
    MutexLock lock(&mu_);
    if (content_ && content_->scenario == loaded.scenario.get() &&
        content_->start == loaded.start) {
      return content_;
    }
  }
  // Built outside the lock; two threads may both build after a reload, and
  // the last one wins: both results are the same.
  auto content = std::make_shared<Content>();
  content->scenario = loaded.scenario.get();
  content->owner = loaded.scenario;
  content->start = loaded.start;
  content->tree = BuildInstanceMetadata(*loaded.scenario, loaded.start);
  const MetadataTree::Node* meta = content->tree.Find("meta-data");
  std::vector<std::string> names;
  if (meta != nullptr && !meta->value.empty()) {
    names = absl::StrSplit(meta->value, '\n');
  }
  names.push_back("iam/");
  std::sort(names.begin(), names.end());
  content->meta_data_with_iam = absl::StrJoin(names, "\n");
  // A new scenario starts with fresh throttle buckets.
  throttle_.Clear();
  MutexLock lock(&mu_);
  content_ = content;
  return content;
}

HttpResponse ImdsService::Handle(const HttpRequest& request) {
  std::shared_ptr<const Content> content = CurrentContent();
  const ImdsSettings& settings = content->scenario->imds;
  HttpResponse response;
  if (settings.unreachable) {
    // A firewall drops the traffic: the client waits for its timeout.
    response.effect = ConnectionEffect::kHang;
    return response;
  }
  if (settings.disabled) {
    // HttpEndpoint=disabled: 403 with an empty body for everything.
    response = ImdsForbidden();
  } else if (settings.throttle &&
             !throttle_.Allow(request.remote_addr, settings.throttle->rate,
                              settings.throttle->burst)) {
    response = ImdsTooManyRequests();
  } else {
    response = Dispatch(request, *content);
  }
  response.headers.Set("Date", FormatHttpDate(clock_->Now()));
  response.headers.Set("Server", "EC2ws");
  return response;
}

HttpResponse ImdsService::Dispatch(const HttpRequest& request,
                                   const Content& content) {
  const std::string& method = request.method;
  if (request.path == kTokenPath) {
    if (method == "PUT") {
      if (content.scenario->imds.hop_limit_exceeded) {
        // The answer's packets die one hop short of the client.
        HttpResponse lost;
        lost.effect = ConnectionEffect::kHang;
        return lost;
      }
      return PutToken(request);
    }
    if (method == "OPTIONS") {
      HttpResponse response;
      response.headers.Set("Allow", "OPTIONS, PUT");
      return response;
    }
    return ImdsMethodNotAllowed("OPTIONS, PUT");
  }
  // Tokens are issued only at /latest/api/token: a PUT to a dated version's
  // token path (or anywhere else) is 403, as the EC2 guide documents.
  if (method == "PUT") return ImdsForbidden();
  if (method != "GET" && method != "HEAD") {
    return ImdsMethodNotAllowed("GET, HEAD");
  }

  std::optional<std::string> token = request.headers.Get(kTokenHeader);
  int64_t remaining = -1;
  if (token.has_value()) {
    // With tokens optional a token-less GET is fine, but a bad or expired
    // token is still 401.
    TokenCodec::Check check = tokens_->Validate(*token);
    if (check.state != TokenCodec::State::kValid) return ImdsUnauthorized();
    remaining = check.remaining_seconds;
  } else if (content.scenario->imds.tokens_required) {
    return ImdsUnauthorized();
  }
  HttpResponse response = GetPath(request, content);
  if (remaining >= 0) {
    response.headers.Set(kTtlResponseHeader, absl::StrCat(remaining));
  }
  return response;
}

HttpResponse ImdsService::PutToken(const HttpRequest& request) {
  // IMDS rejects token PUTs that went through a proxy.
  if (request.headers.Has("X-Forwarded-For")) return ImdsForbidden();
  int64_t ttl = 0;
  std::optional<std::string> ttl_text = request.headers.Get(kTtlHeader);
  if (!ttl_text.has_value() || !ParseTtl(*ttl_text, &ttl)) {
    return ImdsBadRequest();
  }
  HttpResponse response = Text(tokens_->Issue(ttl));
  response.headers.Set(kTtlResponseHeader, absl::StrCat(ttl));
  return response;
}

HttpResponse ImdsService::GetPath(const HttpRequest& request,
                                  const Content& content) {
  absl::string_view path = request.path;
  if (path == "/") return Text(absl::StrJoin(kVersions, "\n"));
  if (!absl::ConsumePrefix(&path, "/")) return ImdsNotFound();
  size_t slash = path.find('/');
  absl::string_view version = path.substr(0, slash);
  if (!IsVersion(version)) return ImdsNotFound();
  if (slash == absl::string_view::npos) return Redirect(request);

  absl::string_view rel = path.substr(slash + 1);
  const bool trailing_slash = absl::ConsumeSuffix(&rel, "/");
  if (absl::StrContains(rel, "//") || absl::StartsWith(rel, "/")) {
    return ImdsNotFound();
  }
  if (rel == "meta-data/iam" || absl::StartsWith(rel, "meta-data/iam/")) {
    absl::string_view sub = rel.substr(std::min(rel.size(), size_t{14}));
    return GetIam(request, sub, trailing_slash, content);
  }
  const MetadataTree::Node* node = content.tree.Find(rel);
  if (node == nullptr) return ImdsNotFound();
  if (!node->is_directory) return Text(node->value, node->content_type);
  if (!trailing_slash && !rel.empty()) return Redirect(request);
  if (rel == "meta-data" && world_->Iam().associated) {
    return Text(content.meta_data_with_iam);
  }
  return Text(node->value);
}

HttpResponse ImdsService::GetIam(const HttpRequest& request,
                                 absl::string_view sub, bool trailing_slash,
                                 const Content& content) {
  // `iam/` exists only while a profile is associated with the instance.
  IamSnapshot iam = world_->Iam();
  if (!iam.associated) return ImdsNotFound();
  const bool served = iam.served.has_value();

  if (sub.empty()) {
    if (!trailing_slash) return Redirect(request);
    // With nothing served (profile gone, or no role) only `info` is left.
    return Text(served ? "info\nsecurity-credentials/" : "info");
  }
  if (sub == "info") {
    HttpResponse response = Text(IamInfoDocument(iam));
    response.headers.Set("Last-Modified",
                         FormatHttpDate(iam.info_last_updated));
    return response;
  }
  for (absl::string_view dir :
       {absl::string_view("security-credentials"),
        absl::string_view("security-credentials-extended")}) {
    absl::string_view rest = sub;
    if (!absl::ConsumePrefix(&rest, dir)) continue;
    if (rest.empty()) {
      if (!served) return ImdsNotFound();
      if (!trailing_slash) return Redirect(request);
      return Text(iam.served->role_name);
    }
    if (!absl::ConsumePrefix(&rest, "/")) continue;
    if (!served || rest != iam.served->role_name) return ImdsNotFound();
    const ServedRole& role = *iam.served;
    HttpResponse response;
    if (!role.ec2_trusted) {
      // EC2 could not assume the role: AWS answers 200 with an error
      // document, which SDKs other than Go v2 do not check.
      response = Text(
          AssumeRoleUnauthorizedDocument(role.role_name, role.slot.issued));
    } else {
      Credentials credentials =
          CredentialsFor(*minter_, role.role_name, role.slot);
      const bool extended = dir != "security-credentials";
      response = Text(RoleCredentialsDocument(
          credentials, extended ? content.scenario->account_id : ""));
    }
    response.headers.Set("Last-Modified", FormatHttpDate(role.slot.issued));
    return response;
  }
  return ImdsNotFound();
}

}  // namespace metamock
