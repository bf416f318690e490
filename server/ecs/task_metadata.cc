#include "server/ecs/task_metadata.h"

#include "absl/strings/str_cat.h"
#include "server/scenario/container_sections.h"

namespace metamock {
namespace {

using Json = nlohmann::ordered_json;

std::string ClusterArn(const Scenario& s, const EcsTask& t) {
  return absl::StrCat("arn:aws:ecs:", s.instance.region, ":", s.account_id,
                      ":cluster/", t.cluster);
}

std::string TaskArn(const Scenario& s, const EcsTask& t) {
  return absl::StrCat("arn:aws:ecs:", s.instance.region, ":", s.account_id,
                      ":task/", t.cluster, "/", t.task_id);
}

}  // namespace

std::string FormatRfc3339Nano(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ", t, absl::UTCTimeZone());
}

Json ContainerMetadata(const Scenario& s, const EcsTask& t,
                       const EcsContainer& c, absl::Time start) {
  Json j;
  j["DockerId"] = c.docker_id;
  j["Name"] = c.name;
  j["DockerName"] = absl::StrCat("ecs-", t.family, "-", t.revision, "-", c.name,
                                 "-", c.docker_id.substr(0, 20));
  j["Image"] = c.image;
  j["ImageID"] = absl::StrCat("sha256:", DerivedHex(c.image, 64));
  j["Labels"] = {
      {"com.amazonaws.ecs.cluster", ClusterArn(s, t)},
      {"com.amazonaws.ecs.container-name", c.name},
      {"com.amazonaws.ecs.task-arn", TaskArn(s, t)},
      {"com.amazonaws.ecs.task-definition-family", t.family},
      {"com.amazonaws.ecs.task-definition-version", absl::StrCat(t.revision)}};
  j["DesiredStatus"] = "RUNNING";
  j["KnownStatus"] = "RUNNING";
  j["Limits"] = {{"CPU", c.cpu}, {"Memory", c.memory}};
  j["CreatedAt"] = FormatRfc3339Nano(start - absl::Minutes(10));
  j["StartedAt"] =
      FormatRfc3339Nano(start - absl::Minutes(10) + absl::Seconds(1));
  j["Type"] = "NORMAL";
  if (!c.log_driver.empty()) {
    j["LogDriver"] = c.log_driver;
    j["LogOptions"] = c.log_options;
  }
  j["ContainerARN"] = absl::StrCat("arn:aws:ecs:", s.instance.region, ":",
                                   s.account_id, ":container/", t.cluster, "/",
                                   t.task_id, "/", DerivedUuid(c.docker_id));
  j["Networks"] =
      Json::array({{{"NetworkMode", t.network_mode},
                    {"IPv4Addresses", Json::array({"172.17.0.2"})}}});
  return j;
}

Json TaskMetadata(const Scenario& s, const EcsTask& t, absl::Time start) {
  Json j;
  j["Cluster"] = ClusterArn(s, t);
  j["TaskARN"] = TaskArn(s, t);
  j["Family"] = t.family;
  j["Revision"] = absl::StrCat(t.revision);
  j["DesiredStatus"] = "RUNNING";
  j["KnownStatus"] = "RUNNING";
  if (t.cpu > 0 || t.memory > 0) {
    j["Limits"] = Json::object();
    if (t.cpu > 0) j["Limits"]["CPU"] = t.cpu;
    if (t.memory > 0) j["Limits"]["Memory"] = t.memory;
  }
  j["PullStartedAt"] = FormatRfc3339Nano(start - absl::Minutes(11));
  j["PullStoppedAt"] = FormatRfc3339Nano(start - absl::Minutes(10));
  j["AvailabilityZone"] = s.instance.availability_zone;
  j["LaunchType"] = t.launch_type;
  j["Containers"] = Json::array();
  for (const EcsContainer& c : t.containers) {
    j["Containers"].push_back(ContainerMetadata(s, t, c, start));
  }
  j["FaultInjectionEnabled"] = false;
  return j;
}

Json ContainerStats(const EcsTask& t, const EcsContainer& c, absl::Time now) {
  // Plausible, steady numbers: monitoring code parses them; nobody should
  // read meaning into them.
  const int64_t limit =
      c.memory > 0 ? int64_t{c.memory} << 20 : int64_t{1} << 30;
  Json cpu = {
      {"cpu_usage",
       {{"total_usage", 1200000000},
        {"usage_in_kernelmode", 300000000},
        {"usage_in_usermode", 900000000}}},
      {"system_cpu_usage", 9000000000000},
      {"online_cpus", 2},
      {"throttling_data",
       {{"periods", 0}, {"throttled_periods", 0}, {"throttled_time", 0}}}};
  Json j;
  j["read"] = FormatRfc3339Nano(now);
  j["preread"] = FormatRfc3339Nano(now - absl::Seconds(1));
  j["pids_stats"] = {{"current", 3}};
  j["num_procs"] = 0;
  j["cpu_stats"] = cpu;
  j["precpu_stats"] = cpu;
  j["memory_stats"] = {{"usage", 24 << 20},
                       {"stats", {{"cache", 4 << 20}, {"rss", 20 << 20}}},
                       {"limit", limit}};
  j["name"] = absl::StrCat("/ecs-", t.family, "-", t.revision, "-", c.name, "-",
                           c.docker_id.substr(0, 20));
  j["id"] = c.docker_id;
  j["networks"] = {{"eth0",
                    {{"rx_bytes", 1048576},
                     {"rx_packets", 1024},
                     {"tx_bytes", 524288},
                     {"tx_packets", 512}}}};
  j["network_rate_stats"] = {{"rx_bytes_per_sec", 0}, {"tx_bytes_per_sec", 0}};
  return j;
}

Json TaskStats(const EcsTask& t, absl::Time now) {
  Json j = Json::object();
  for (const EcsContainer& c : t.containers) {
    j[c.docker_id] = ContainerStats(t, c, now);
  }
  return j;
}

}  // namespace metamock
