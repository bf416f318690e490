// Task metadata v4 bodies: the agent's key order (ecs.md section 2.2) and
// values for the healthy scenario's iam-role-test task, RFC 3339 with
// trimmed nanoseconds, and the stats shapes.

#include "server/ecs/task_metadata.h"

#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/testing/scenarios.h"

namespace metamock {
namespace {

using Json = nlohmann::ordered_json;

const absl::Time kStart = absl::FromUnixSeconds(1795428000);  // 10:00:00Z
constexpr char kTaskId[] = "158d1c8083dd49d6b527399fd6414f5c";

std::vector<std::string> Keys(const Json& j) {
  std::vector<std::string> keys;
  for (const auto& item : j.items()) keys.push_back(item.key());
  return keys;
}

bool IsHex(const std::string& text, size_t digits) {
  return std::regex_match(text,
                          std::regex(absl::StrCat("[0-9a-f]{", digits, "}")));
}

class TaskMetadataTest : public ::testing::Test {
 protected:
  TaskMetadataTest()
      : scenario_(HealthyScenario()),
        task_(scenario_.ecs.tasks.at(0)),
        container_(task_.containers.at(0)) {}

  const Scenario scenario_;
  const EcsTask& task_;
  const EcsContainer& container_;
};

TEST_F(TaskMetadataTest, ContainerKeysInTheAgentsOrder) {
  Json c = ContainerMetadata(scenario_, task_, container_, kStart);
  EXPECT_EQ(Keys(c), (std::vector<std::string>{
                         "DockerId", "Name", "DockerName", "Image", "ImageID",
                         "Labels", "DesiredStatus", "KnownStatus", "Limits",
                         "CreatedAt", "StartedAt", "Type", "LogDriver",
                         "LogOptions", "ContainerARN", "Networks"}));
}

TEST_F(TaskMetadataTest, ContainerValuesOfTheIamRoleTestTask) {
  Json c = ContainerMetadata(scenario_, task_, container_, kStart);
  const std::string docker_id = c["DockerId"];
  EXPECT_TRUE(IsHex(docker_id, 64)) << docker_id;
  EXPECT_EQ(docker_id, container_.docker_id);
  EXPECT_EQ(c["Name"], "amazonlinux");
  EXPECT_EQ(c["DockerName"], absl::StrCat("ecs-iam-role-test-1-amazonlinux-",
                                          docker_id.substr(0, 20)));
  EXPECT_EQ(c["Image"], "amazonlinux");
  const std::string image_id = c["ImageID"];
  ASSERT_EQ(image_id.substr(0, 7), "sha256:");
  EXPECT_TRUE(IsHex(image_id.substr(7), 64)) << image_id;
  const std::string task_arn =
      absl::StrCat("arn:aws:ecs:us-east-1:123456789012:task/default/", kTaskId);
  EXPECT_EQ(c["Labels"],
            Json({{"com.amazonaws.ecs.cluster",
                   "arn:aws:ecs:us-east-1:123456789012:cluster/default"},
                  {"com.amazonaws.ecs.container-name", "amazonlinux"},
                  {"com.amazonaws.ecs.task-arn", task_arn},
                  {"com.amazonaws.ecs.task-definition-family", "iam-role-test"},
                  {"com.amazonaws.ecs.task-definition-version", "1"}}));
  EXPECT_EQ(c["DesiredStatus"], "RUNNING");
  EXPECT_EQ(c["KnownStatus"], "RUNNING");
  EXPECT_EQ(c["Limits"]["Memory"], 128);
  EXPECT_EQ(c["Limits"]["CPU"], 0);
  EXPECT_EQ(c["CreatedAt"], "2026-11-23T09:50:00Z");
  EXPECT_EQ(c["StartedAt"], "2026-11-23T09:50:01Z");
  EXPECT_EQ(c["Type"], "NORMAL");
  EXPECT_EQ(c["LogDriver"], "awslogs");
  EXPECT_EQ(c["LogOptions"].dump(),
            "{\"awslogs-group\":\"ecs-tasks\",\"awslogs-region\":\"us-west-2\","
            "\"awslogs-stream-prefix\":\"iam-role-test\"}");
  const std::string arn = c["ContainerARN"];
  const std::string arn_prefix = absl::StrCat(
      "arn:aws:ecs:us-east-1:123456789012:container/default/", kTaskId, "/");
  ASSERT_EQ(arn.substr(0, arn_prefix.size()), arn_prefix);
  EXPECT_TRUE(std::regex_match(
      arn.substr(arn_prefix.size()),
      std::regex(
          "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")))
      << arn;
  ASSERT_EQ(c["Networks"].size(), 1u);
  EXPECT_EQ(c["Networks"][0]["NetworkMode"], "bridge");
  EXPECT_EQ(c["Networks"][0]["IPv4Addresses"].size(), 1u);
}

TEST_F(TaskMetadataTest, ContainerWithoutLogConfigurationHasNoLogKeys) {
  EcsContainer bare = container_;
  bare.log_driver.clear();
  bare.log_options.clear();
  Json c = ContainerMetadata(scenario_, task_, bare, kStart);
  EXPECT_FALSE(c.contains("LogDriver"));
  EXPECT_FALSE(c.contains("LogOptions"));
  EXPECT_EQ(Keys(c).back(), "Networks");
}

TEST_F(TaskMetadataTest, TaskKeysInTheAgentsOrder) {
  Json t = TaskMetadata(scenario_, task_, kStart);
  // The task definition sets no task-level cpu or memory: no Limits
  // (omitempty).
  EXPECT_EQ(Keys(t), (std::vector<std::string>{
                         "Cluster", "TaskARN", "Family", "Revision",
                         "DesiredStatus", "KnownStatus", "PullStartedAt",
                         "PullStoppedAt", "AvailabilityZone", "LaunchType",
                         "Containers", "FaultInjectionEnabled"}));
}

TEST_F(TaskMetadataTest, TaskValuesOfTheIamRoleTestTask) {
  Json t = TaskMetadata(scenario_, task_, kStart);
  EXPECT_EQ(t["Cluster"], "arn:aws:ecs:us-east-1:123456789012:cluster/default");
  EXPECT_EQ(t["TaskARN"],
            absl::StrCat("arn:aws:ecs:us-east-1:123456789012:task/default/",
                         kTaskId));
  EXPECT_EQ(t["Family"], "iam-role-test");
  ASSERT_TRUE(t["Revision"].is_string());
  EXPECT_EQ(t["Revision"], "1");
  EXPECT_EQ(t["DesiredStatus"], "RUNNING");
  EXPECT_EQ(t["KnownStatus"], "RUNNING");
  EXPECT_EQ(t["PullStartedAt"], "2026-11-23T09:49:00Z");
  EXPECT_EQ(t["PullStoppedAt"], "2026-11-23T09:50:00Z");
  EXPECT_EQ(t["AvailabilityZone"], "us-east-1a");
  EXPECT_EQ(t["LaunchType"], "EC2");
  ASSERT_EQ(t["Containers"].size(), 1u);
  EXPECT_EQ(t["Containers"][0],
            ContainerMetadata(scenario_, task_, container_, kStart));
  ASSERT_TRUE(t["FaultInjectionEnabled"].is_boolean());
  EXPECT_EQ(t["FaultInjectionEnabled"], false);
  EXPECT_EQ(t.dump().find(' '), std::string::npos) << "compact";
}

TEST_F(TaskMetadataTest, TaskLimitsFollowKnownStatus) {
  EcsTask sized = task_;
  sized.cpu = 0.25;
  sized.memory = 512;
  Json t = TaskMetadata(scenario_, sized, kStart);
  std::vector<std::string> keys = Keys(t);
  ASSERT_GE(keys.size(), 8u);
  EXPECT_EQ(keys[5], "KnownStatus");
  EXPECT_EQ(keys[6], "Limits");
  EXPECT_EQ(keys[7], "PullStartedAt");
  EXPECT_EQ(t["Limits"].dump(), "{\"CPU\":0.25,\"Memory\":512}");
  // Only what is set.
  sized.cpu = 0;
  EXPECT_EQ(TaskMetadata(scenario_, sized, kStart)["Limits"].dump(),
            "{\"Memory\":512}");
}

TEST(FormatRfc3339NanoTest, TrimsTrailingZeros) {
  EXPECT_EQ(FormatRfc3339Nano(kStart), "2026-11-23T10:00:00Z");
  EXPECT_EQ(FormatRfc3339Nano(kStart + absl::Milliseconds(100)),
            "2026-11-23T10:00:00.1Z");
  EXPECT_EQ(FormatRfc3339Nano(kStart + absl::Milliseconds(120)),
            "2026-11-23T10:00:00.12Z");
  EXPECT_EQ(FormatRfc3339Nano(kStart + absl::Nanoseconds(123456789)),
            "2026-11-23T10:00:00.123456789Z");
  EXPECT_EQ(FormatRfc3339Nano(kStart + absl::Microseconds(1)),
            "2026-11-23T10:00:00.000001Z");
  EXPECT_EQ(FormatRfc3339Nano(kStart + absl::Nanoseconds(1)),
            "2026-11-23T10:00:00.000000001Z");
  EXPECT_EQ(FormatRfc3339Nano(kStart + absl::Seconds(61) +
                              absl::Nanoseconds(500000000)),
            "2026-11-23T10:01:01.5Z");
}

TEST_F(TaskMetadataTest, ContainerStatsShape) {
  const absl::Time now = kStart + absl::Seconds(5) + absl::Milliseconds(250);
  Json s = ContainerStats(task_, container_, now);
  EXPECT_EQ(Keys(s), (std::vector<std::string>{
                         "read", "preread", "pids_stats", "num_procs",
                         "cpu_stats", "precpu_stats", "memory_stats", "name",
                         "id", "networks", "network_rate_stats"}));
  EXPECT_EQ(s["read"], "2026-11-23T10:00:05.25Z");
  EXPECT_EQ(s["preread"], "2026-11-23T10:00:04.25Z");
  EXPECT_TRUE(s["pids_stats"]["current"].is_number_integer());
  for (const char* key : {"cpu_stats", "precpu_stats"}) {
    const Json& cpu = s[key];
    EXPECT_TRUE(cpu["cpu_usage"]["total_usage"].is_number_integer()) << key;
    EXPECT_TRUE(cpu["cpu_usage"]["usage_in_kernelmode"].is_number_integer());
    EXPECT_TRUE(cpu["cpu_usage"]["usage_in_usermode"].is_number_integer());
    EXPECT_TRUE(cpu["system_cpu_usage"].is_number_integer()) << key;
    EXPECT_TRUE(cpu["online_cpus"].is_number_integer()) << key;
    EXPECT_TRUE(cpu["throttling_data"].is_object()) << key;
  }
  // The container's hard limit, 128 MiB, in bytes.
  EXPECT_EQ(s["memory_stats"]["limit"], int64_t{128} << 20);
  EXPECT_LE(s["memory_stats"]["usage"].get<int64_t>(),
            s["memory_stats"]["limit"].get<int64_t>());
  EXPECT_EQ(s["name"], absl::StrCat("/ecs-iam-role-test-1-amazonlinux-",
                                    container_.docker_id.substr(0, 20)));
  EXPECT_EQ(s["id"], container_.docker_id);
  for (const char* key : {"rx_bytes", "rx_packets", "tx_bytes", "tx_packets"}) {
    EXPECT_TRUE(s["networks"]["eth0"][key].is_number_integer()) << key;
  }
  EXPECT_TRUE(s["network_rate_stats"]["rx_bytes_per_sec"].is_number());
  EXPECT_TRUE(s["network_rate_stats"]["tx_bytes_per_sec"].is_number());
}

TEST_F(TaskMetadataTest, ContainerStatsWithoutAMemoryLimit) {
  EcsContainer unlimited = container_;
  unlimited.memory = 0;
  Json s = ContainerStats(task_, unlimited, kStart);
  EXPECT_GT(s["memory_stats"]["limit"].get<int64_t>(), 0);
  EXPECT_LE(s["memory_stats"]["usage"].get<int64_t>(),
            s["memory_stats"]["limit"].get<int64_t>());
}

TEST_F(TaskMetadataTest, TaskStatsMapDockerIdsToContainerStats) {
  EcsTask two = task_;
  EcsContainer sidecar = container_;
  sidecar.name = "sidecar";
  sidecar.docker_id = std::string(64, 'a');
  two.containers.push_back(sidecar);
  Json s = TaskStats(two, kStart);
  EXPECT_EQ(s.size(), 2u);
  EXPECT_EQ(s[container_.docker_id], ContainerStats(two, container_, kStart));
  EXPECT_EQ(s[sidecar.docker_id], ContainerStats(two, sidecar, kStart));
}

}  // namespace
}  // namespace metamock
