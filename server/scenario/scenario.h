// The immutable description of a small AWS world (DESIGN.md, "The world
// model"): the account, one EC2 instance, IAM roles with their trust
// policies, an instance profile and its association, how IMDS behaves,
// credential timing, the clock, and a timeline of IAM actions.
//
// A Scenario is parsed and validated once (scenario_parser.h) and shared
// read-only as std::shared_ptr<const Scenario>: thread-safe once built.
// Nothing on the wire is a literal in a handler; everything is derived
// from a Scenario, the actions applied so far and the virtual time.

#ifndef METAMOCK_SERVER_SCENARIO_SCENARIO_H_
#define METAMOCK_SERVER_SCENARIO_SCENARIO_H_

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "server/faults/fault_rule.h"
#include "server/scenario/iam_action.h"

namespace metamock {

// The service principal EC2 uses to assume an instance's role.
inline constexpr char kEc2ServicePrincipal[] = "ec2.amazonaws.com";

// An IAM role and the services its trust policy lets assume it.
struct Role {
  std::string name;                        // "app-role"
  std::string role_id;                     // "AROA..." as IAM shows it
  std::set<std::string> trusted_services;  // e.g. "ec2.amazonaws.com"
  nlohmann::json trust_policy;             // the AssumeRolePolicyDocument
};

// An IAM instance profile. It holds at most one role.
struct InstanceProfile {
  std::string name;                 // "app-profile"
  std::string id;                   // "AIPA..."; changes when re-created
  std::optional<std::string> role;  // the role's name, if it holds one
};

// The EC2 instance and the values its metadata tree serves.
struct Instance {
  std::string id;                               // "i-0123456789abcdef0"
  std::string type;                             // "t3.micro"
  std::string ami_id;                           // "ami-..."
  std::string architecture;                     // "x86_64"
  std::string reservation_id;                   // "r-..."
  std::string region;                           // "us-east-1"
  std::string availability_zone;                // "us-east-1a"
  std::string availability_zone_id;             // "use1-az1"
  std::string local_ipv4;                       // private address
  std::string local_hostname;                   // "ip-10-0-1-23.ec2.internal"
  std::string public_ipv4;                      // may be empty: not served then
  std::string public_hostname;                  // may be empty: not served then
  std::string mac;                              // "0e:..."
  std::string interface_id;                     // "eni-..."
  std::string subnet_id;                        // "subnet-..."
  std::string subnet_cidr;                      // "10.0.1.0/24"
  std::string vpc_id;                           // "vpc-..."
  std::string vpc_cidr;                         // "10.0.0.0/16"
  std::vector<std::string> security_groups;     // names
  std::vector<std::string> security_group_ids;  // "sg-..."
  // How long before the scenario's start the instance was launched.
  absl::Duration launched_before_start = absl::Hours(1);
  std::optional<std::string> user_data;  // raw bytes; 404 when absent
  // Instance tags, served under meta-data/tags/instance/ when non-empty.
  std::map<std::string, std::string> tags;
};

// A per-client request rate limit (a token bucket in real time).
struct RateLimit {
  double rate = 10;  // requests per second, steady
  int burst = 5;     // requests allowed at once
};

// How the instance's metadata service behaves.
struct ImdsSettings {
  // HttpTokens=required: token-less GETs get 401. Default: optional.
  bool tokens_required = false;
  // HttpEndpoint=disabled: every request gets 403 with an empty body.
  bool disabled = false;
  // The token PUT's answer never arrives (a container behind a hop limit
  // of 1); GETs without a token work.
  bool hop_limit_exceeded = false;
  // A firewall blocks IMDS: requests are accepted and never answered.
  bool unreachable = false;
  // Throttling per client IP: 429 once exceeded. Default: none.
  std::optional<RateLimit> throttle;
};

// A stretch of time, as offsets from the scenario's start, in which no new
// credential set is issued; a new set is issued at `until` instead.
struct RotationDelay {
  absl::Duration from;   // >= 0
  absl::Duration until;  // > from
};

// How credential sets rotate (DESIGN.md, "Time").
struct CredentialTiming {
  // A new set is issued at start + k * rotation_period. Default: 1 hour.
  absl::Duration rotation_period = absl::Hours(1);
  // Each set is valid this long after it is issued. Default: 6 hours.
  absl::Duration lifetime = absl::Hours(6);
  // Delayed rotations, sorted, not overlapping. Default: none.
  std::vector<RotationDelay> delays;
};

// The virtual clock.
struct ClockSettings {
  // The scenario's start S; unset means the real time at load.
  std::optional<absl::Time> start;
  // Virtual seconds per real second; 0 freezes the clock. Default: 1.
  double rate = 1.0;
};

// A container of an ECS task definition (the parts metamock models).
struct EcsContainer {
  std::string name;   // "amazonlinux"
  std::string image;  // "amazonlinux"
  int cpu = 0;        // CPU units
  int memory = 0;     // MiB (hard limit); 0: none
  bool essential = true;
  std::string log_driver;  // "awslogs"
  std::map<std::string, std::string> log_options;
  std::string endpoint_id;  // the v3/v4 metadata endpoint id
  std::string docker_id;    // 64 hex characters
};

// An ECS task and its task definition.
struct EcsTask {
  std::string credential_id;  // in /v2/credentials/<id>; never changes
  std::string cluster = "default";
  std::string task_id;  // 32 hex characters, in the task ARN
  std::string family;   // task definition family
  int revision = 1;
  std::optional<std::string> task_role;       // a role's name
  std::optional<std::string> execution_role;  // a role's name
  std::string launch_type = "EC2";
  std::string network_mode = "bridge";
  double cpu = 0;  // task-level vCPU (0: not set)
  int memory = 0;  // task-level MiB (0: not set)
  std::vector<EcsContainer> containers;
};

// The ECS container agent on the instance.
struct EcsSettings {
  // IAM roles for tasks enabled on the container instance. When false,
  // credential requests are accepted and never answered.
  bool task_roles_enabled = true;
  // ECS_TASK_METADATA_RPS_LIMIT: per (client IP, path). Default: 40,60.
  RateLimit throttle{40, 60};
  // After an agent restart: 503 CredentialsUninitialized this long.
  absl::Duration uninitialized_for = absl::ZeroDuration();
  std::vector<EcsTask> tasks;
};

// A pod using EKS Pod Identity.
struct EksPod {
  std::string name;                 // "app"
  std::string namespace_name;       // "default"
  std::string service_account;      // "app"
  std::string token;                // the projected service-account token
  std::optional<std::string> role;  // the associated role's name
};

// The EKS Pod Identity agent.
struct EksSettings {
  // Enforce the agent's Host check (only 169.254.170.23 / fd00:ec2::23);
  // off by default so that loopback works.
  bool host_check = false;
  std::vector<EksPod> pods;
};

// The service principals of the three ways to assume a role.
inline constexpr char kEcsTasksServicePrincipal[] = "ecs-tasks.amazonaws.com";
inline constexpr char kEksPodsServicePrincipal[] = "pods.eks.amazonaws.com";

// An IAM action at an offset from the start.
struct TimelineEntry {
  absl::Duration at;
  IamAction action;
};

struct Scenario {
  std::string name;         // "healthy"
  std::string description;  // the documented symptom it reproduces
  // Where it came from: "bundled", a file's path, or "request body".
  // (Reloads read the --scenario given at start, not this.)
  std::string source;
  // The document as given (comments removed), for GET /_metamock/scenario.
  nlohmann::ordered_json document;

  std::string account_id;  // 12 digits
  Instance instance;
  std::vector<Role> roles;
  std::optional<InstanceProfile> instance_profile;
  // Whether the profile is associated with the instance at the start.
  bool profile_associated = false;
  ImdsSettings imds;
  CredentialTiming timing;
  ClockSettings clock;
  EcsSettings ecs;
  EksSettings eks;
  std::vector<TimelineEntry> timeline;  // sorted by `at`
  // Fault rules in force from the start (more come from the control API).
  std::vector<FaultRule> faults;

  // The role named `name`, or null.
  const Role* FindRole(const std::string& name) const;
};

}  // namespace metamock

#endif  // METAMOCK_SERVER_SCENARIO_SCENARIO_H_
