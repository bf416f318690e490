#include "server/scenario/scenario_parser.h"

#include <regex>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "server/scenario/container_sections.h"
#include "server/scenario/iam_state.h"
#include "server/scenario/json_checker.h"
#include "server/scenario/trust_policy.h"
#include "server/util/aws_time.h"

namespace metamock {
namespace {

using Json = nlohmann::json;

// Values for everything a scenario's instance leaves out.
Instance DefaultInstance() {
  Instance i;
  i.id = "i-0a1b2c3d4e5f60718";
  i.type = "t3.micro";
  i.ami_id = "ami-0c02fb55956c7d316";
  i.architecture = "x86_64";
  i.reservation_id = "r-0f1e2d3c4b5a69788";
  i.region = "us-east-1";
  i.availability_zone_id = "use1-az4";
  i.local_ipv4 = "10.0.1.23";
  i.public_ipv4 = "203.0.113.25";
  i.mac = "0e:1f:2a:3b:4c:5d";
  i.interface_id = "eni-0123456789abcdef0";
  i.subnet_id = "subnet-0123456789abcdef0";
  i.subnet_cidr = "10.0.1.0/24";
  i.vpc_id = "vpc-0123456789abcdef0";
  i.vpc_cidr = "10.0.0.0/16";
  i.security_groups = {"default"};
  i.security_group_ids = {"sg-0123456789abcdef0"};
  return i;
}

// EC2's host names: ip-10-0-1-23.ec2.internal in us-east-1,
// ip-10-0-1-23.<region>.compute.internal elsewhere.
std::string HostNameFor(const std::string& ip, const std::string& region,
                        bool is_public) {
  std::string dashed = absl::StrReplaceAll(ip, {{".", "-"}});
  if (is_public) {
    return region == "us-east-1"
               ? absl::StrCat("ec2-", dashed, ".compute-1.amazonaws.com")
               : absl::StrCat("ec2-", dashed, ".", region,
                              ".compute.amazonaws.com");
  }
  return region == "us-east-1"
             ? absl::StrCat("ip-", dashed, ".ec2.internal")
             : absl::StrCat("ip-", dashed, ".", region, ".compute.internal");
}

// An id such as AROA... derived from a name, stable across runs.
std::string DerivedId(absl::string_view prefix, absl::string_view name) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : name) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  std::string id(prefix);
  const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  for (int i = 0; i < 17; ++i) {
    id.push_back(alphabet[h % 32]);
    h = h / 32 + (h << 59) +
        0x9e3779b97f4a7c15ULL * static_cast<uint64_t>(i + 1);
  }
  return id;
}

class Parser {
 public:
  Parser(const Json& doc, const JsonPositions* positions,
         std::vector<JsonIssue>* errors, std::vector<JsonIssue>* warnings)
      : doc_(doc), check_(positions, errors, warnings) {}

  Scenario Parse() {
    Scenario s;
    if (!check_.Object(
            doc_, "", "the scenario",
            {"name", "description", "account_id", "instance", "imds", "roles",
             "instance_profile", "associated", "credentials", "clock",
             "timeline", "ecs", "eks", "faults"})) {
      return s;
    }
    s.name = check_.String(doc_, "", "name", true).value_or("");
    static const std::regex kName("[a-z0-9][a-z0-9._-]*");
    if (doc_.contains("name") && doc_["name"].is_string() &&
        !std::regex_match(s.name, kName)) {
      check_.AtValue("/name",
                     "\"name\" must be lower-case letters, digits, '.', '_' "
                     "and '-'");
    }
    s.description = check_.String(doc_, "", "description", true).value_or("");
    s.account_id =
        check_.String(doc_, "", "account_id", false).value_or("123456789012");
    if (s.account_id.size() != 12 ||
        !std::all_of(s.account_id.begin(), s.account_id.end(),
                     absl::ascii_isdigit)) {
      check_.AtValue("/account_id", "\"account_id\" must be 12 digits");
    }
    ParseInstance(&s);
    ParseImds(&s);
    ParseRoles(&s);
    ParseProfile(&s);
    ParseCredentials(&s);
    ParseClock(&s);
    ParseEcsSection(doc_, &check_, &s);
    ParseEksSection(doc_, &check_, &s);
    ParseTimeline(&s);
    ParseFaults(&s);
    return s;
  }

 private:
  const Json* Section(const char* key) {
    auto it = doc_.find(key);
    return it == doc_.end() || it->is_null() ? nullptr : &*it;
  }

  void ParseInstance(Scenario* s) {
    s->instance = DefaultInstance();
    Instance& i = s->instance;
    const Json* v = Section("instance");
    std::optional<std::string> az, local_host, public_host;
    if (v != nullptr && check_.Object(*v, "/instance", "instance",
                                      {"id",
                                       "type",
                                       "ami_id",
                                       "architecture",
                                       "reservation_id",
                                       "region",
                                       "availability_zone",
                                       "availability_zone_id",
                                       "local_ipv4",
                                       "local_hostname",
                                       "public_ipv4",
                                       "public_hostname",
                                       "mac",
                                       "interface_id",
                                       "subnet_id",
                                       "subnet_cidr",
                                       "vpc_id",
                                       "vpc_cidr",
                                       "security_groups",
                                       "security_group_ids",
                                       "launched_before_start",
                                       "user_data",
                                       "tags"})) {
      const std::string p = "/instance";
      auto str = [&](const char* key, std::string* field) {
        if (auto value = check_.String(*v, p, key, false)) *field = *value;
      };
      str("id", &i.id);
      str("type", &i.type);
      str("ami_id", &i.ami_id);
      str("architecture", &i.architecture);
      str("reservation_id", &i.reservation_id);
      str("region", &i.region);
      str("availability_zone_id", &i.availability_zone_id);
      str("local_ipv4", &i.local_ipv4);
      str("public_ipv4", &i.public_ipv4);
      str("mac", &i.mac);
      str("interface_id", &i.interface_id);
      str("subnet_id", &i.subnet_id);
      str("subnet_cidr", &i.subnet_cidr);
      str("vpc_id", &i.vpc_id);
      str("vpc_cidr", &i.vpc_cidr);
      az = check_.String(*v, p, "availability_zone", false);
      local_host = check_.String(*v, p, "local_hostname", false);
      public_host = check_.String(*v, p, "public_hostname", false);
      if (!absl::StartsWith(i.id, "i-")) {
        check_.AtValue("/instance/id", "an instance id starts with \"i-\"");
      }
      if (auto groups = check_.StringList(*v, p, "security_groups")) {
        i.security_groups = *groups;
      }
      if (auto ids = check_.StringList(*v, p, "security_group_ids")) {
        i.security_group_ids = *ids;
      }
      if (auto launched = check_.Duration(*v, p, "launched_before_start", false,
                                          absl::ZeroDuration())) {
        i.launched_before_start = *launched;
      }
      auto user_data = v->find("user_data");
      if (user_data != v->end() && !user_data->is_null()) {
        i.user_data = check_.String(*v, p, "user_data", false);
      }
      auto tags = v->find("tags");
      if (tags != v->end() && !tags->is_object()) {
        check_.AtValue(p + "/tags", "\"tags\" must be an object of strings");
      } else if (tags != v->end()) {
        for (auto it = tags->begin(); it != tags->end(); ++it) {
          if (!it->is_string()) {
            check_.AtValue(JsonChecker::Child(p + "/tags", it.key()),
                           absl::StrCat("tag values must be strings, not ",
                                        JsonTypeName(*it)));
          } else {
            i.tags[it.key()] = it->get<std::string>();
          }
        }
      }
    }
    i.availability_zone = az.value_or(i.region + "a");
    i.local_hostname =
        local_host.value_or(HostNameFor(i.local_ipv4, i.region, false));
    i.public_hostname = public_host.value_or(
        i.public_ipv4.empty() ? ""
                              : HostNameFor(i.public_ipv4, i.region, true));
  }

  void ParseImds(Scenario* s) {
    const Json* v = Section("imds");
    if (v == nullptr ||
        !check_.Object(*v, "/imds", "imds",
                       {"tokens", "disabled", "hop_limit_exceeded",
                        "unreachable", "throttle"})) {
      return;
    }
    if (auto tokens = check_.String(*v, "/imds", "tokens", false)) {
      if (*tokens == "required") {
        s->imds.tokens_required = true;
      } else if (*tokens != "optional") {
        check_.AtValue("/imds/tokens",
                       "\"tokens\" must be \"optional\" or \"required\"");
      }
    }
    s->imds.disabled = check_.Bool(*v, "/imds", "disabled").value_or(false);
    s->imds.hop_limit_exceeded =
        check_.Bool(*v, "/imds", "hop_limit_exceeded").value_or(false);
    s->imds.unreachable =
        check_.Bool(*v, "/imds", "unreachable").value_or(false);
    auto throttle = v->find("throttle");
    if (throttle != v->end() && !throttle->is_null() &&
        check_.Object(*throttle, "/imds/throttle", "imds.throttle",
                      {"rate", "burst"})) {
      RateLimit limit;
      if (!throttle->contains("rate")) {
        check_.AtValue("/imds/throttle",
                       "missing \"rate\" (requests per second)");
      }
      limit.rate =
          check_.Number(*throttle, "/imds/throttle", "rate", 0.001, 1e6)
              .value_or(limit.rate);
      auto burst = throttle->find("burst");
      if (burst != throttle->end() &&
          (!burst->is_number_integer() || burst->get<int64_t>() < 1 ||
           burst->get<int64_t>() > 1000000)) {
        check_.AtValue("/imds/throttle/burst",
                       "\"burst\" must be a whole number from 1 to 1000000");
      } else if (burst != throttle->end()) {
        limit.burst = static_cast<int>(burst->get<int64_t>());
      }
      s->imds.throttle = limit;
    }
  }

  void ParseRoles(Scenario* s) {
    const Json* v = Section("roles");
    if (v == nullptr) return;
    if (!v->is_array()) {
      check_.AtValue("/roles", "\"roles\" must be a list");
      return;
    }
    for (size_t n = 0; n < v->size(); ++n) {
      const std::string p = absl::StrCat("/roles/", n);
      const Json& r = (*v)[n];
      if (!check_.Object(r, p, "a role", {"name", "id", "trust"})) continue;
      Role role;
      role.name = check_.String(r, p, "name", true).value_or("");
      if (r.contains("name") && r["name"].is_string() && role.name.empty()) {
        check_.AtValue(p + "/name", "a role's \"name\" must not be empty");
      }
      if (s->FindRole(role.name) != nullptr) {
        check_.AtValue(p + "/name",
                       absl::StrCat("a second role named \"", role.name, "\""));
      }
      role.role_id = check_.String(r, p, "id", false)
                         .value_or(DerivedId("AROA", role.name));
      if (!absl::StartsWith(role.role_id, "AROA")) {
        check_.AtValue(p + "/id", "a role id starts with AROA");
      }
      auto trust = r.find("trust");
      if (trust == r.end()) {
        check_.AtValue(p,
                       "missing \"trust\" (a list of service principals "
                       "such as \"ec2.amazonaws.com\", or a trust policy "
                       "document)");
      } else if (trust->is_array()) {
        if (auto services = check_.StringList(r, p, "trust")) {
          role.trusted_services = {services->begin(), services->end()};
          role.trust_policy = TrustPolicyFor(role.trusted_services);
        }
      } else {
        absl::StatusOr<std::set<std::string>> services =
            TrustedServices(*trust);
        if (!services.ok()) {
          check_.AtValue(p + "/trust",
                         absl::StrCat("\"trust\" is not a trust policy: ",
                                      services.status().message()));
        } else {
          role.trusted_services = *services;
          role.trust_policy = *trust;
        }
      }
      s->roles.push_back(std::move(role));
    }
  }

  void ParseProfile(Scenario* s) {
    const Json* v = Section("instance_profile");
    bool has_profile = false;
    if (v != nullptr &&
        check_.Object(*v, "/instance_profile", "instance_profile",
                      {"name", "id", "role"})) {
      const std::string p = "/instance_profile";
      InstanceProfile profile;
      profile.name = check_.String(*v, p, "name", true).value_or("");
      if (v->contains("name") && (*v)["name"].is_string() &&
          profile.name.empty()) {
        check_.AtValue(p + "/name", "the profile's \"name\" must not be empty");
      }
      profile.id = check_.String(*v, p, "id", false)
                       .value_or(DerivedId("AIPA", profile.name));
      if (!absl::StartsWith(profile.id, "AIPA")) {
        check_.AtValue(p + "/id", "an instance profile id starts with AIPA");
      }
      auto role = v->find("role");
      if (role != v->end() && !role->is_null()) {
        profile.role = check_.String(*v, p, "role", false);
        if (profile.role && s->FindRole(*profile.role) == nullptr) {
          check_.AtValue(p + "/role",
                         absl::StrCat("the profile's role \"", *profile.role,
                                      "\" is not one of \"roles\""));
        }
      }
      s->instance_profile = profile;
      has_profile = true;
    }
    std::optional<bool> associated = check_.Bool(doc_, "", "associated");
    s->profile_associated = associated.value_or(has_profile);
    if (s->profile_associated && !has_profile) {
      check_.AtValue("/associated",
                     "\"associated\" is true but there is no "
                     "\"instance_profile\"");
    }
  }

  void ParseCredentials(Scenario* s) {
    const Json* v = Section("credentials");
    if (v == nullptr || !check_.Object(*v, "/credentials", "credentials",
                                       {"rotation", "lifetime", "delays"})) {
      return;
    }
    const std::string p = "/credentials";
    CredentialTiming& t = s->timing;
    std::optional<absl::Duration> rotation =
        check_.Duration(*v, p, "rotation", false, absl::Seconds(1));
    std::optional<absl::Duration> lifetime =
        check_.Duration(*v, p, "lifetime", false, absl::Seconds(1));
    const bool rotation_ok = rotation || !v->contains("rotation");
    const bool lifetime_ok = lifetime || !v->contains("lifetime");
    t.rotation_period = rotation.value_or(t.rotation_period);
    t.lifetime = lifetime.value_or(t.lifetime);
    if (rotation_ok && lifetime_ok &&
        t.lifetime < t.rotation_period + absl::Minutes(5)) {
      check_.AtValue(v->contains("lifetime") ? p + "/lifetime" : p,
                     "\"lifetime\" must exceed \"rotation\" by at least 5m: "
                     "AWS makes new credentials available at least five "
                     "minutes before the old ones expire (use \"delays\" for "
                     "a late rotation)");
    }
    auto delays = v->find("delays");
    if (delays == v->end()) return;
    if (!delays->is_array()) {
      check_.AtValue(p + "/delays", "\"delays\" must be a list");
      return;
    }
    for (size_t n = 0; n < delays->size(); ++n) {
      const std::string dp = absl::StrCat(p, "/delays/", n);
      const Json& d = (*delays)[n];
      if (!check_.Object(d, dp, "a delay", {"from", "until"})) continue;
      auto from = check_.Duration(d, dp, "from", true, absl::ZeroDuration());
      auto until = check_.Duration(d, dp, "until", true, absl::Seconds(1));
      if (!from || !until) continue;
      if (*until <= *from) {
        check_.AtValue(dp + "/until", "\"until\" must be after \"from\"");
      } else if (!t.delays.empty() && *from < t.delays.back().until) {
        check_.AtValue(dp + "/from",
                       "delays must be in order and must not overlap");
      } else {
        t.delays.push_back(RotationDelay{*from, *until});
      }
    }
  }

  void ParseClock(Scenario* s) {
    const Json* v = Section("clock");
    if (v == nullptr ||
        !check_.Object(*v, "/clock", "clock", {"start", "rate"})) {
      return;
    }
    auto start = v->find("start");
    if (start != v->end() && !start->is_null()) {
      if (auto text = check_.String(*v, "/clock", "start", false)) {
        absl::StatusOr<absl::Time> t = ParseAwsTimestamp(*text);
        if (!t.ok()) {
          check_.AtValue("/clock/start",
                         absl::StrCat("\"start\" is ", t.status().message()));
        } else {
          s->clock.start = *t;
        }
      }
    }
    s->clock.rate = check_.Number(*v, "/clock", "rate", 0, 1e6).value_or(1.0);
  }

  void ParseFaults(Scenario* s) {
    const Json* v = Section("faults");
    if (v == nullptr) return;
    if (!v->is_array()) {
      check_.AtValue("/faults", "\"faults\" must be a list of fault rules");
      return;
    }
    for (size_t n = 0; n < v->size(); ++n) {
      const std::string p = absl::StrCat("/faults/", n);
      FaultRuleError error;
      std::optional<FaultRule> rule = ParseFaultRule((*v)[n], &error);
      if (!rule) {
        check_.AtValue(p + error.pointer, error.message);
        continue;
      }
      s->faults.push_back(std::move(*rule));
    }
  }

  void ParseTimeline(Scenario* s) {
    const Json* v = Section("timeline");
    if (v == nullptr) return;
    if (!v->is_array()) {
      check_.AtValue("/timeline", "\"timeline\" must be a list");
      return;
    }
    for (size_t n = 0; n < v->size(); ++n) {
      const std::string p = absl::StrCat("/timeline/", n);
      const Json& e = (*v)[n];
      if (!e.is_object()) {
        check_.AtValue(p, absl::StrCat("a timeline entry must be an object, "
                                       "not ",
                                       JsonTypeName(e)));
        continue;
      }
      auto at = check_.Duration(e, p, "at", true, absl::ZeroDuration());
      IamActionError error;
      std::optional<IamAction> action = ParseIamAction(e, {"at"}, &error);
      if (!action) {
        if (error.key.empty()) {
          check_.AtValue(p, error.message);
        } else if (error.in_value) {
          check_.AtValue(JsonChecker::Child(p, error.key), error.message);
        } else {
          check_.AtKey(JsonChecker::Child(p, error.key), error.message);
        }
        continue;
      }
      if (!at) continue;
      if (!s->timeline.empty() && *at < s->timeline.back().at) {
        check_.AtValue(
            p + "/at",
            absl::StrCat("timeline entries must be in order: ",
                         absl::FormatDuration(*at), " comes after ",
                         absl::FormatDuration(s->timeline.back().at)));
        continue;
      }
      s->timeline.push_back(TimelineEntry{*at, *action});
      pointers_.push_back(p);
    }
  }

 public:
  // Runs the timeline against the declared world, reporting each action
  // AWS would refuse at its moment.
  void SimulateTimeline(const Scenario& s) {
    IamState iam = InitialIamState(s);
    for (size_t n = 0; n < s.timeline.size(); ++n) {
      absl::Status status = iam.Apply(s.timeline[n].action);
      if (!status.ok()) {
        check_.AtKey(
            pointers_[n] + "/Action",
            absl::StrCat("at ", absl::FormatDuration(s.timeline[n].at), ", ",
                         IamActionName(s.timeline[n].action.type),
                         " fails: ", status.message()));
      }
    }
  }

 private:
  const Json& doc_;
  JsonChecker check_;
  std::vector<std::string> pointers_;  // pointer of each timeline entry
};

// The start of the token that ends at `end` (a string's opening quote, a
// literal's first character); `end` itself for punctuation.
size_t TokenStart(absl::string_view text, size_t end) {
  if (end >= text.size()) return end;
  if (text[end] == '"' && end > 0) {
    for (size_t i = end; i-- > 0;) {
      if (text[i] == '\n') return end;  // strings do not span lines
      if (text[i] != '"') continue;
      size_t backslashes = 0;
      for (size_t j = i; j-- > 0 && text[j] == '\\';) ++backslashes;
      if (backslashes % 2 == 0) return i;
    }
    return end;
  }
  auto literal = [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' ||
           c == '+' || c == '-';
  };
  size_t start = end;
  while (start > 0 && literal(text[end]) && literal(text[start - 1])) --start;
  return start;
}

std::string Format(absl::string_view label, const JsonIssue& issue) {
  return absl::StrCat(label, ":", issue.position.line, ":",
                      issue.position.column, ": ", issue.message);
}

}  // namespace

absl::StatusOr<std::shared_ptr<const Scenario>> ParseScenario(
    absl::string_view text, absl::string_view label,
    std::vector<std::string>* warnings) {
  Json doc;
  try {
    doc = Json::parse(text.begin(), text.end(), nullptr,
                      /*allow_exceptions=*/true, /*ignore_comments=*/true);
  } catch (const Json::parse_error& e) {
    // e.byte counts from 1 and points at the last character read: the end
    // of the offending token. Point at its start instead.
    TextPosition at =
        PositionOfOffset(text, TokenStart(text, e.byte > 0 ? e.byte - 1 : 0));
    std::string message = e.what();
    size_t colon = message.find(": ");
    if (colon != std::string::npos) message = message.substr(colon + 2);
    if (!absl::StartsWith(message, "syntax error")) {
      message = absl::StrCat("syntax error: ", message);
    }
    return absl::InvalidArgumentError(Format(label, JsonIssue{at, message}));
  }
  JsonPositions positions = JsonPositions::Scan(text);
  std::vector<JsonIssue> errors;
  for (const auto& [pointer, position] : positions.duplicates()) {
    std::string key = absl::StrReplaceAll(
        pointer.substr(pointer.rfind('/') + 1), {{"~1", "/"}, {"~0", "~"}});
    errors.push_back(JsonIssue{
        position,
        absl::StrCat("duplicate key \"", key, "\" (the last one counts)")});
  }
  std::vector<JsonIssue> warning_issues;
  Parser parser(doc, &positions, &errors, &warning_issues);
  auto scenario = std::make_shared<Scenario>(parser.Parse());
  if (errors.empty()) parser.SimulateTimeline(*scenario);
  if (!errors.empty()) {
    std::stable_sort(errors.begin(), errors.end(),
                     [](const JsonIssue& a, const JsonIssue& b) {
                       return std::tie(a.position.line, a.position.column) <
                              std::tie(b.position.line, b.position.column);
                     });
    std::vector<std::string> lines;
    for (const JsonIssue& issue : errors) lines.push_back(Format(label, issue));
    return absl::InvalidArgumentError(absl::StrJoin(lines, "\n"));
  }
  if (warnings != nullptr) {
    for (const JsonIssue& w : warning_issues) {
      warnings->push_back(absl::StrCat(label, ":", w.position.line, ":",
                                       w.position.column,
                                       ": warning: ", w.message));
    }
  }
  scenario->source = std::string(label);
  scenario->document = nlohmann::ordered_json::parse(
      text.begin(), text.end(), nullptr, /*allow_exceptions=*/false,
      /*ignore_comments=*/true);
  // Fault rules list back with their keys in the file's order.
  for (size_t i = 0; i < scenario->faults.size(); ++i) {
    scenario->faults[i].source = scenario->document["faults"][i];
  }
  return std::shared_ptr<const Scenario>(std::move(scenario));
}

}  // namespace metamock
