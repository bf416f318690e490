#include "server/imds/instance_metadata.h"

#include <nlohmann/json.hpp>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/util/aws_time.h"
#include "server/util/imds_json.h"

namespace metamock {
namespace {

// A stand-in for AWS's signatures: base64 text of the right shape that
// names itself as fake. Nothing can verify it, and nothing should.
std::string FakeSignature(const Scenario& scenario, absl::string_view kind) {
  std::string raw = absl::StrCat("metamock fake ", kind, " signature for ",
                                 scenario.instance.id, " ");
  while (raw.size() < 256) raw += raw;
  raw.resize(256);
  std::string encoded = absl::Base64Escape(raw);
  // AWS wraps these at 64 characters.
  std::string wrapped;
  for (size_t i = 0; i < encoded.size(); i += 64) {
    if (i > 0) wrapped += "\n";
    wrapped += encoded.substr(i, 64);
  }
  return wrapped;
}

}  // namespace

std::string InstanceIdentityDocument(const Scenario& scenario,
                                     absl::Time start) {
  const Instance& i = scenario.instance;
  nlohmann::ordered_json doc;
  // Fields and order of the documented identity document.
  doc["accountId"] = scenario.account_id;
  doc["architecture"] = i.architecture;
  doc["availabilityZone"] = i.availability_zone;
  doc["billingProducts"] = nullptr;
  doc["devpayProductCodes"] = nullptr;
  doc["marketplaceProductCodes"] = nullptr;
  doc["imageId"] = i.ami_id;
  doc["instanceId"] = i.id;
  doc["instanceType"] = i.type;
  doc["kernelId"] = nullptr;
  doc["pendingTime"] = FormatAwsTimestamp(start - i.launched_before_start);
  doc["privateIp"] = i.local_ipv4;
  doc["ramdiskId"] = nullptr;
  doc["region"] = i.region;
  doc["version"] = "2017-09-30";
  return RenderImdsJson(doc);
}

MetadataTree BuildInstanceMetadata(const Scenario& scenario, absl::Time start) {
  const Instance& i = scenario.instance;
  MetadataTree::Builder b;
  b.AddLeaf("meta-data/ami-id", i.ami_id);
  b.AddLeaf("meta-data/ami-launch-index", "0");
  b.AddLeaf("meta-data/ami-manifest-path", "(unknown)");
  b.AddLeaf("meta-data/block-device-mapping/ami", "/dev/xvda");
  b.AddLeaf("meta-data/block-device-mapping/root", "/dev/xvda");
  b.AddLeaf("meta-data/events/maintenance/history", "[]");
  b.AddLeaf("meta-data/events/maintenance/scheduled", "[]");
  b.AddLeaf("meta-data/hostname", i.local_hostname);
  {
    nlohmann::ordered_json info;
    info["Code"] = "Success";
    info["LastUpdated"] = FormatAwsTimestamp(start);
    info["AccountId"] = scenario.account_id;
    b.AddLeaf("meta-data/identity-credentials/ec2/info", RenderImdsJson(info));
  }
  b.AddLeaf("meta-data/instance-action", "none");
  b.AddLeaf("meta-data/instance-id", i.id);
  b.AddLeaf("meta-data/instance-life-cycle", "on-demand");
  b.AddLeaf("meta-data/instance-type", i.type);
  b.AddLeaf("meta-data/local-hostname", i.local_hostname);
  b.AddLeaf("meta-data/local-ipv4", i.local_ipv4);
  b.AddLeaf("meta-data/mac", i.mac);
  b.AddLeaf("meta-data/metrics/vhostmd",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");

  const std::string nic =
      absl::StrCat("meta-data/network/interfaces/macs/", i.mac, "/");
  b.AddLeaf(nic + "device-number", "0");
  b.AddLeaf(nic + "interface-id", i.interface_id);
  b.AddLeaf(nic + "local-hostname", i.local_hostname);
  b.AddLeaf(nic + "local-ipv4s", i.local_ipv4);
  b.AddLeaf(nic + "mac", i.mac);
  b.AddLeaf(nic + "owner-id", scenario.account_id);
  b.AddLeaf(nic + "security-group-ids",
            absl::StrJoin(i.security_group_ids, "\n"));
  b.AddLeaf(nic + "security-groups", absl::StrJoin(i.security_groups, "\n"));
  b.AddLeaf(nic + "subnet-id", i.subnet_id);
  b.AddLeaf(nic + "subnet-ipv4-cidr-block", i.subnet_cidr);
  b.AddLeaf(nic + "vpc-id", i.vpc_id);
  b.AddLeaf(nic + "vpc-ipv4-cidr-block", i.vpc_cidr);
  b.AddLeaf(nic + "vpc-ipv4-cidr-blocks", i.vpc_cidr);
  if (!i.public_ipv4.empty()) {
    b.AddLeaf(absl::StrCat(nic, "ipv4-associations/", i.public_ipv4),
              i.local_ipv4);
    b.AddLeaf(nic + "public-ipv4s", i.public_ipv4);
    b.AddLeaf("meta-data/public-ipv4", i.public_ipv4);
  }
  if (!i.public_hostname.empty()) {
    b.AddLeaf(nic + "public-hostname", i.public_hostname);
    b.AddLeaf("meta-data/public-hostname", i.public_hostname);
  }

  b.AddLeaf("meta-data/placement/availability-zone", i.availability_zone);
  b.AddLeaf("meta-data/placement/availability-zone-id", i.availability_zone_id);
  b.AddLeaf("meta-data/placement/region", i.region);
  b.AddLeaf("meta-data/profile", "default-hvm");
  b.AddLeaf("meta-data/reservation-id", i.reservation_id);
  b.AddLeaf("meta-data/security-groups",
            absl::StrJoin(i.security_groups, "\n"));
  b.AddLeaf("meta-data/services/domain", "amazonaws.com");
  b.AddLeaf("meta-data/services/partition", "aws");
  b.AddLeaf("meta-data/system", "nitro");
  // Instance tags in metadata (InstanceMetadataTags=enabled).
  for (const auto& [key, value] : i.tags) {
    b.AddLeaf(absl::StrCat("meta-data/tags/instance/", key), value);
  }

  b.AddLeaf("dynamic/instance-identity/document",
            InstanceIdentityDocument(scenario, start));
  b.AddLeaf("dynamic/instance-identity/pkcs7",
            FakeSignature(scenario, "pkcs7"));
  b.AddLeaf("dynamic/instance-identity/signature",
            FakeSignature(scenario, "sha256"));
  b.AddLeaf("dynamic/instance-identity/rsa2048",
            FakeSignature(scenario, "rsa2048"));

  // `/latest/` lists user-data even when there is none (then it is a 404).
  b.AddListedName("", "user-data");
  if (i.user_data) {
    b.AddLeaf("user-data", *i.user_data, "application/octet-stream");
  }
  return b.Build();
}

}  // namespace metamock
