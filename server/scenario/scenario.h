// The immutable description of a small AWS world: the account, one EC2
// instance, its IAM roles and instance profile, credential timing and the
// clock. Everything metamock serves is derived from a Scenario and the
// virtual time; nothing on the wire is a literal in a handler.
//
// A Scenario is built once (today from the built-in `healthy` world; the
// scenario engine will parse it from a file) and shared read-only as
// std::shared_ptr<const Scenario>: thread-safe once built.

#ifndef METAMOCK_SERVER_SCENARIO_SCENARIO_H_
#define METAMOCK_SERVER_SCENARIO_SCENARIO_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace metamock {

// The service principal EC2 uses to assume an instance's role.
inline constexpr char kEc2ServicePrincipal[] = "ec2.amazonaws.com";

// An IAM role and the services its trust policy lets assume it.
struct Role {
  std::string name;                           // "app-role"
  std::string role_id;                        // "AROA..." as IAM shows it
  std::vector<std::string> trusted_services;  // e.g. "ec2.amazonaws.com"
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
};

// How credential sets rotate (DESIGN.md, "Time").
struct CredentialTiming {
  // A new set is issued at start + k * rotation_period. Default: 1 hour.
  absl::Duration rotation_period = absl::Hours(1);
  // Each set is valid this long after it is issued. Default: 6 hours.
  absl::Duration lifetime = absl::Hours(6);
};

// How the instance's metadata service behaves.
struct ImdsSettings {
  // HttpTokens=required: token-less GETs get 401. Default: optional.
  bool tokens_required = false;
};

// The virtual clock.
struct ClockSettings {
  // The scenario's start S; unset means the real time at load.
  std::optional<absl::Time> start;
  // Virtual seconds per real second; 0 freezes the clock. Default: 1.
  double rate = 1.0;
};

struct Scenario {
  std::string name;         // "healthy"
  std::string description;  // the documented symptom it reproduces
  std::string account_id;   // 12 digits
  Instance instance;
  std::vector<Role> roles;
  std::optional<InstanceProfile> instance_profile;
  // Whether the profile is associated with the instance.
  bool profile_associated = false;
  ImdsSettings imds;
  CredentialTiming timing;
  ClockSettings clock;

  // The role named `name`, or null.
  const Role* FindRole(const std::string& name) const;
};

}  // namespace metamock

#endif  // METAMOCK_SERVER_SCENARIO_SCENARIO_H_
