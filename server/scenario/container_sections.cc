#include "server/scenario/container_sections.h"

#include <cmath>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace metamock {
namespace {

using Json = nlohmann::json;

// RegisterTaskDefinition's parameters (AWS's API reference), and the
// container definition's. Keys outside these sets are typos: errors. Keys
// inside them that metamock does not model are accepted with a warning.
const std::set<std::string>& TaskDefinitionKeys() {
  static const auto* keys = new std::set<std::string>{"family",
                                                      "taskRoleArn",
                                                      "executionRoleArn",
                                                      "networkMode",
                                                      "containerDefinitions",
                                                      "volumes",
                                                      "placementConstraints",
                                                      "requiresCompatibilities",
                                                      "cpu",
                                                      "memory",
                                                      "tags",
                                                      "pidMode",
                                                      "ipcMode",
                                                      "proxyConfiguration",
                                                      "inferenceAccelerators",
                                                      "ephemeralStorage",
                                                      "runtimePlatform",
                                                      "enableFaultInjection"};
  return *keys;
}
const std::set<std::string>& ModelledTaskKeys() {
  static const auto* keys = new std::set<std::string>{"family",
                                                      "taskRoleArn",
                                                      "executionRoleArn",
                                                      "networkMode",
                                                      "containerDefinitions",
                                                      "requiresCompatibilities",
                                                      "cpu",
                                                      "memory"};
  return *keys;
}
const std::set<std::string>& ContainerKeys() {
  static const auto* keys = new std::set<std::string>{"name",
                                                      "image",
                                                      "repositoryCredentials",
                                                      "cpu",
                                                      "memory",
                                                      "memoryReservation",
                                                      "links",
                                                      "portMappings",
                                                      "essential",
                                                      "restartPolicy",
                                                      "entryPoint",
                                                      "command",
                                                      "environment",
                                                      "environmentFiles",
                                                      "mountPoints",
                                                      "volumesFrom",
                                                      "linuxParameters",
                                                      "secrets",
                                                      "dependsOn",
                                                      "startTimeout",
                                                      "stopTimeout",
                                                      "versionConsistency",
                                                      "hostname",
                                                      "user",
                                                      "workingDirectory",
                                                      "disableNetworking",
                                                      "privileged",
                                                      "readonlyRootFilesystem",
                                                      "dnsServers",
                                                      "dnsSearchDomains",
                                                      "extraHosts",
                                                      "dockerSecurityOptions",
                                                      "interactive",
                                                      "pseudoTerminal",
                                                      "dockerLabels",
                                                      "ulimits",
                                                      "logConfiguration",
                                                      "healthCheck",
                                                      "systemControls",
                                                      "resourceRequirements",
                                                      "firelensConfiguration",
                                                      "credentialSpecs"};
  return *keys;
}
const std::set<std::string>& ModelledContainerKeys() {
  static const auto* keys = new std::set<std::string>{
      "name", "image", "cpu", "memory", "essential", "logConfiguration"};
  return *keys;
}

uint64_t Fnv(absl::string_view text) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

// An object whose keys must come from `known`; those outside `modelled`
// are warned about once, as a list. Null values count as absent.
bool KnownKeys(const Json& value, const std::string& pointer,
               absl::string_view what, const std::set<std::string>& known,
               const std::set<std::string>& modelled, JsonChecker* check) {
  if (!check->Object(value, pointer, what, known)) return false;
  std::vector<std::string> unmodelled;
  for (auto it = value.begin(); it != value.end(); ++it) {
    // Null and empty values carry nothing to model.
    const bool empty =
        it->is_null() || ((it->is_array() || it->is_object()) && it->empty());
    if (known.count(it.key()) && !modelled.count(it.key()) && !empty) {
      unmodelled.push_back(it.key());
    }
  }
  if (!unmodelled.empty()) {
    check->WarnAtKey(
        JsonChecker::Child(pointer, unmodelled.front()),
        absl::StrCat(what, ": metamock accepts but does not model ",
                     absl::StrJoin(unmodelled, ", ")));
  }
  return true;
}

// A role given as a bare name or an ARN (arn:aws:iam::ACCOUNT:role/PATH/NAME)
// resolved to a role of the scenario. Null when absent or null.
std::optional<std::string> RoleRef(const Json& object, const std::string& p,
                                   const std::string& key, const Scenario& s,
                                   JsonChecker* check) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::nullopt;
  std::optional<std::string> text = check->String(object, p, key, false);
  if (!text) return std::nullopt;
  std::string name = *text;
  if (absl::StartsWith(name, "arn:")) {
    if (!absl::StrContains(name, ":role/")) {
      check->AtValue(JsonChecker::Child(p, key),
                     absl::StrCat("\"", key, "\" is not a role ARN"));
      return std::nullopt;
    }
    name = name.substr(name.rfind('/') + 1);
  }
  if (s.FindRole(name) == nullptr) {
    check->AtValue(JsonChecker::Child(p, key),
                   absl::StrCat("\"", key, "\" names the role \"", name,
                                "\", which is not one of \"roles\""));
    return std::nullopt;
  }
  return name;
}

// A number, or a string holding one ("256"), or null; `fallback` else.
double NumberOrString(const Json& object, const std::string& p,
                      const std::string& key, double fallback,
                      JsonChecker* check) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return fallback;
  double v = -1;
  if (it->is_number()) {
    v = it->get<double>();
  } else if (it->is_string()) {
    const std::string text = it->get<std::string>();
    if (!text.empty() &&
        text.find_first_not_of("0123456789.") == std::string::npos) {
      (void)absl::SimpleAtod(text, &v);
    }
  }
  if (std::isfinite(v) && v >= 0 && v <= 1e6) return v;
  check->AtValue(JsonChecker::Child(p, key),
                 absl::StrCat("\"", key,
                              "\" must be a number from 0 to "
                              "1000000, or a string of digits"));
  return fallback;
}

void ParseContainer(const Json& c, const std::string& p, const EcsTask& task,
                    size_t index, JsonChecker* check, EcsContainer* out) {
  if (!KnownKeys(c, p, "a container definition", ContainerKeys(),
                 ModelledContainerKeys(), check)) {
    return;
  }
  out->name = check->String(c, p, "name", true).value_or("");
  out->image = check->String(c, p, "image", true).value_or("");
  out->cpu = static_cast<int>(NumberOrString(c, p, "cpu", 0, check));
  out->memory = static_cast<int>(NumberOrString(c, p, "memory", 0, check));
  auto essential = c.find("essential");
  if (essential != c.end() && !essential->is_null()) {
    out->essential = check->Bool(c, p, "essential").value_or(true);
  }
  auto log = c.find("logConfiguration");
  if (log != c.end() && !log->is_null()) {
    const std::string lp = p + "/logConfiguration";
    if (check->Object(*log, lp, "logConfiguration",
                      {"logDriver", "options", "secretOptions"})) {
      out->log_driver = check->String(*log, lp, "logDriver", true).value_or("");
      auto options = log->find("options");
      if (options != log->end() && options->is_object()) {
        for (auto it = options->begin(); it != options->end(); ++it) {
          if (it->is_string())
            out->log_options[it.key()] = it->get<std::string>();
        }
      }
    }
  }
  const std::string seed =
      absl::StrCat(task.task_id, "/", index, "/", out->name);
  out->docker_id = DerivedHex(seed, 64);
  out->endpoint_id = absl::StrCat(task.task_id, "-", DerivedHex(seed, 10));
}

void ParseTask(const Json& t, const std::string& p, const Scenario& s,
               JsonChecker* check, EcsTask* task) {
  if (!check->Object(t, p, "an ECS task",
                     {"credential_id", "cluster", "task_id", "revision",
                      "endpoint_id", "launch_type", "task_definition"})) {
    return;
  }
  auto def = t.find("task_definition");
  if (def == t.end()) {
    check->AtValue(p,
                   "missing \"task_definition\" (RegisterTaskDefinition "
                   "JSON: family, taskRoleArn, containerDefinitions, ...)");
    return;
  }
  const std::string dp = p + "/task_definition";
  if (!KnownKeys(*def, dp, "the task definition", TaskDefinitionKeys(),
                 ModelledTaskKeys(), check)) {
    return;
  }
  task->family = check->String(*def, dp, "family", true).value_or("");
  task->cluster = check->String(t, p, "cluster", false).value_or("default");
  task->task_id =
      check->String(t, p, "task_id", false)
          .value_or(DerivedHex(absl::StrCat("task/", task->family), 32));
  task->credential_id =
      check->String(t, p, "credential_id", false)
          .value_or(DerivedUuid(absl::StrCat("credentials/", task->task_id)));
  task->revision =
      static_cast<int>(check->Number(t, p, "revision", 1, 1e9).value_or(1));
  task->task_role = RoleRef(*def, dp, "taskRoleArn", s, check);
  task->execution_role = RoleRef(*def, dp, "executionRoleArn", s, check);
  auto network = def->find("networkMode");
  if (network != def->end() && !network->is_null()) {
    task->network_mode =
        check->String(*def, dp, "networkMode", false).value_or("bridge");
  }
  task->cpu = NumberOrString(*def, dp, "cpu", 0, check) / 1024.0;
  task->memory = static_cast<int>(NumberOrString(*def, dp, "memory", 0, check));
  auto compat = def->find("requiresCompatibilities");
  if (compat != def->end() && compat->is_array() && !compat->empty() &&
      (*compat)[0].is_string()) {
    task->launch_type = (*compat)[0].get<std::string>();
  }
  task->launch_type =
      check->String(t, p, "launch_type", false).value_or(task->launch_type);
  auto containers = def->find("containerDefinitions");
  if (containers == def->end() || !containers->is_array() ||
      containers->empty()) {
    check->AtValue(containers == def->end() ? dp : dp + "/containerDefinitions",
                   "\"containerDefinitions\" must be a non-empty list");
    return;
  }
  for (size_t i = 0; i < containers->size(); ++i) {
    EcsContainer c;
    ParseContainer((*containers)[i],
                   absl::StrCat(dp, "/containerDefinitions/", i), *task, i,
                   check, &c);
    task->containers.push_back(std::move(c));
  }
  if (auto endpoint = check->String(t, p, "endpoint_id", false)) {
    task->containers[0].endpoint_id = *endpoint;
  }
}

}  // namespace

std::string DerivedHex(absl::string_view seed, int hex_digits) {
  std::string out;
  uint64_t h = Fnv(seed);
  for (int i = 0; i < hex_digits; ++i) {
    if (i % 16 == 0) h = Fnv(absl::StrCat(seed, "#", i, "#", h));
    out.push_back("0123456789abcdef"[h & 0xf]);
    h >>= 4;
  }
  return out;
}

std::string DerivedUuid(absl::string_view seed) {
  std::string hex = DerivedHex(seed, 32);
  return absl::StrCat(hex.substr(0, 8), "-", hex.substr(8, 4), "-",
                      hex.substr(12, 4), "-", hex.substr(16, 4), "-",
                      hex.substr(20, 12));
}

void ParseEcsSection(const Json& doc, JsonChecker* check, Scenario* s) {
  auto it = doc.find("ecs");
  if (it == doc.end() || it->is_null()) return;
  const std::string p = "/ecs";
  if (!check->Object(
          *it, p, "ecs",
          {"task_roles_enabled", "throttle", "uninitialized_for", "tasks"})) {
    return;
  }
  EcsSettings& ecs = s->ecs;
  ecs.task_roles_enabled =
      check->Bool(*it, p, "task_roles_enabled").value_or(true);
  ecs.uninitialized_for =
      check->Duration(*it, p, "uninitialized_for", false, absl::ZeroDuration())
          .value_or(absl::ZeroDuration());
  auto throttle = it->find("throttle");
  if (throttle != it->end() &&
      check->Object(*throttle, p + "/throttle", "ecs.throttle",
                    {"rate", "burst"})) {
    ecs.throttle.rate =
        check->Number(*throttle, p + "/throttle", "rate", 1, 1e6)
            .value_or(ecs.throttle.rate);
    ecs.throttle.burst = static_cast<int>(
        check->Number(*throttle, p + "/throttle", "burst", 1, 1e6)
            .value_or(ecs.throttle.burst));
  }
  auto tasks = it->find("tasks");
  if (tasks == it->end()) return;
  if (!tasks->is_array()) {
    check->AtValue(p + "/tasks", "\"tasks\" must be a list");
    return;
  }
  std::set<std::string> ids;
  for (size_t i = 0; i < tasks->size(); ++i) {
    const std::string tp = absl::StrCat(p, "/tasks/", i);
    EcsTask task;
    ParseTask((*tasks)[i], tp, *s, check, &task);
    if (!ids.insert(task.credential_id).second) {
      check->AtValue(tp, absl::StrCat("a second task with credential_id \"",
                                      task.credential_id, "\""));
    }
    ecs.tasks.push_back(std::move(task));
  }
}

void ParseEksSection(const Json& doc, JsonChecker* check, Scenario* s) {
  auto it = doc.find("eks");
  if (it == doc.end() || it->is_null()) return;
  const std::string p = "/eks";
  if (!check->Object(*it, p, "eks", {"host_check", "pods"})) return;
  s->eks.host_check = check->Bool(*it, p, "host_check").value_or(false);
  auto pods = it->find("pods");
  if (pods == it->end()) return;
  if (!pods->is_array()) {
    check->AtValue(p + "/pods", "\"pods\" must be a list");
    return;
  }
  std::set<std::string> tokens;
  for (size_t i = 0; i < pods->size(); ++i) {
    const std::string pp = absl::StrCat(p, "/pods/", i);
    const Json& pod = (*pods)[i];
    if (!check->Object(
            pod, pp, "a pod",
            {"name", "namespace", "service_account", "token", "role"})) {
      continue;
    }
    EksPod out;
    out.name = check->String(pod, pp, "name", true).value_or("");
    out.namespace_name =
        check->String(pod, pp, "namespace", false).value_or("default");
    out.service_account =
        check->String(pod, pp, "service_account", false).value_or(out.name);
    out.token = check->String(pod, pp, "token", true).value_or("");
    if (pod.contains("token") && pod["token"].is_string() &&
        (out.token.empty() ||
         out.token.find_first_of("\r\n") != std::string::npos)) {
      check->AtValue(pp + "/token",
                     "a pod's \"token\" must be non-empty, on one line");
    } else if (!out.token.empty() && !tokens.insert(out.token).second) {
      check->AtValue(pp + "/token", "two pods share this token");
    }
    out.role = RoleRef(pod, pp, "role", *s, check);
    s->eks.pods.push_back(std::move(out));
  }
}

}  // namespace metamock
