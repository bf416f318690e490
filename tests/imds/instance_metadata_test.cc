#include "server/imds/instance_metadata.h"

#include <gtest/gtest.h>

#include "tests/testing/scenarios.h"

namespace metamock {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1795428000);

TEST(InstanceMetadata, MetaDataListsTheDocumentedKeys) {
  MetadataTree tree = BuildInstanceMetadata(HealthyScenario(), kStart);
  // iam/ is added by the service while a profile is associated.
  EXPECT_EQ(tree.Find("meta-data")->value,
            "ami-id\nami-launch-index\nami-manifest-path\n"
            "block-device-mapping/\nevents/\nhostname\nidentity-credentials/\n"
            "instance-action\ninstance-id\ninstance-life-cycle\ninstance-type\n"
            "local-hostname\nlocal-ipv4\nmac\nmetrics/\nnetwork/\nplacement/\n"
            "profile\npublic-hostname\npublic-ipv4\nreservation-id\n"
            "security-groups\nservices/\nsystem");
  EXPECT_EQ(tree.Find("")->value, "dynamic\nmeta-data\nuser-data");
}

TEST(InstanceMetadata, ValuesComeFromTheScenario) {
  Scenario s = HealthyScenario();
  s.instance.region = "eu-west-3";
  s.instance.availability_zone = "eu-west-3b";
  s.instance.mac = "02:00:00:00:00:01";
  s.instance.public_ipv4.clear();
  MetadataTree tree = BuildInstanceMetadata(s, kStart);
  EXPECT_EQ(tree.Find("meta-data/placement/region")->value, "eu-west-3");
  EXPECT_EQ(tree.Find("meta-data/placement/availability-zone")->value,
            "eu-west-3b");
  EXPECT_EQ(tree.Find("meta-data/network/interfaces/macs")->value,
            "02:00:00:00:00:01/");
  EXPECT_EQ(tree.Find("meta-data/public-ipv4"), nullptr);
  EXPECT_EQ(
      tree.Find("meta-data/network/interfaces/macs/02:00:00:00:00:01/owner-id")
          ->value,
      "123456789012");
}

TEST(InstanceMetadata, UserDataOnlyWhenTheScenarioHasIt) {
  Scenario s = HealthyScenario();
  EXPECT_EQ(BuildInstanceMetadata(s, kStart).Find("user-data"), nullptr);
  s.instance.user_data = "#!/bin/bash\necho hi\n";
  MetadataTree tree = BuildInstanceMetadata(s, kStart);
  ASSERT_NE(tree.Find("user-data"), nullptr);
  EXPECT_EQ(tree.Find("user-data")->value, "#!/bin/bash\necho hi\n");
  EXPECT_EQ(tree.Find("user-data")->content_type, "application/octet-stream");
}

TEST(InstanceMetadata, IdentityDocumentIsByteExact) {
  EXPECT_EQ(InstanceIdentityDocument(HealthyScenario(), kStart),
            "{\n"
            "  \"accountId\" : \"123456789012\",\n"
            "  \"architecture\" : \"x86_64\",\n"
            "  \"availabilityZone\" : \"us-east-1a\",\n"
            "  \"billingProducts\" : null,\n"
            "  \"devpayProductCodes\" : null,\n"
            "  \"marketplaceProductCodes\" : null,\n"
            "  \"imageId\" : \"ami-0c02fb55956c7d316\",\n"
            "  \"instanceId\" : \"i-0a1b2c3d4e5f60718\",\n"
            "  \"instanceType\" : \"t3.micro\",\n"
            "  \"kernelId\" : null,\n"
            "  \"pendingTime\" : \"2026-11-23T09:00:00Z\",\n"
            "  \"privateIp\" : \"10.0.1.23\",\n"
            "  \"ramdiskId\" : null,\n"
            "  \"region\" : \"us-east-1\",\n"
            "  \"version\" : \"2017-09-30\"\n"
            "}");
}

}  // namespace
}  // namespace metamock

namespace metamock {
namespace {

TEST(InstanceMetadataTags, ServedUnderTagsInstance) {
  Scenario s = HealthyScenario();
  s.instance.tags = {{"Name", "web-1"}, {"team", "payments"}};
  MetadataTree tree = BuildInstanceMetadata(s, absl::FromUnixSeconds(0));
  EXPECT_EQ(tree.Find("meta-data/tags/instance")->value, "Name\nteam");
  EXPECT_EQ(tree.Find("meta-data/tags/instance/team")->value, "payments");
  EXPECT_EQ(BuildInstanceMetadata(HealthyScenario(), absl::FromUnixSeconds(0))
                .Find("meta-data/tags"),
            nullptr);
}

}  // namespace
}  // namespace metamock
