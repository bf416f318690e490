#include "server/imds/iam_documents.h"

#include <gtest/gtest.h>

namespace metamock {
namespace {

const absl::Time kT =
    absl::FromUnixSeconds(1795428000);  // 2026-11-23T10:00:00Z

IamSnapshot Snapshot(IamInfoCode code) {
  IamSnapshot snap;
  snap.associated = true;
  snap.info_code = code;
  snap.profile_arn = "arn:aws:iam::123456789012:instance-profile/S3Admin";
  snap.profile_id = "AIPAVMQT32F2Q43IXV2TC";
  snap.info_last_updated = kT;
  return snap;
}

TEST(IamDocuments, InfoSuccessIsByteExact) {
  EXPECT_EQ(IamInfoDocument(Snapshot(IamInfoCode::kSuccess)),
            "{\n"
            "  \"Code\" : \"Success\",\n"
            "  \"LastUpdated\" : \"2026-11-23T10:00:00Z\",\n"
            "  \"InstanceProfileArn\" : "
            "\"arn:aws:iam::123456789012:instance-profile/S3Admin\",\n"
            "  \"InstanceProfileId\" : \"AIPAVMQT32F2Q43IXV2TC\"\n"
            "}");
}

TEST(IamDocuments, InfoSuccessMatchesTheCapturedLength) {
  // The real capture (imds.md 3.2) is 200 bytes with a 12-digit account
  // and the profile name S3AdminAccess.
  IamSnapshot snap = Snapshot(IamInfoCode::kSuccess);
  snap.profile_arn = "arn:aws:iam::123456789012:instance-profile/S3AdminAccess";
  EXPECT_EQ(IamInfoDocument(snap).size(), 200u);
}

TEST(IamDocuments, InstanceProfileNotFoundNamesTheId) {
  EXPECT_EQ(IamInfoDocument(Snapshot(IamInfoCode::kInstanceProfileNotFound)),
            "{\n"
            "  \"Code\" : \"InstanceProfileNotFound\",\n"
            "  \"Message\" : \"Instance Profile with Id AIPAVMQT32F2Q43IXV2TC "
            "cannot be found.  Please see documentation at "
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
            "troubleshoot_iam-ec2.html#troubleshoot_iam-ec2_errors-info-doc."
            "\",\n"
            "  \"LastUpdated\" : \"2026-11-23T10:00:00Z\"\n"
            "}");
}

TEST(IamDocuments, NoRoleIsSuccessWithAMessage) {
  std::string doc = IamInfoDocument(Snapshot(IamInfoCode::kSuccessWithoutRole));
  EXPECT_EQ(doc.rfind("{\n  \"Code\" : \"Success\",\n  \"Message\" : "
                      "\"Instance Profile does not contain a role.  Please "
                      "see documentation at https://",
                      0),
            0u);
  EXPECT_NE(doc.find("\"InstanceProfileId\" : \"AIPAVMQT32F2Q43IXV2TC\"\n}"),
            std::string::npos);
}

TEST(IamDocuments, CredentialsInAwsKeyOrder) {
  Credentials c{"ASIAAAAAAAAAAAAAAAAA", std::string(40, 's'), "tok", kT,
                kT + absl::Hours(6)};
  EXPECT_EQ(
      RoleCredentialsDocument(c),
      "{\n"
      "  \"Code\" : \"Success\",\n"
      "  \"LastUpdated\" : \"2026-11-23T10:00:00Z\",\n"
      "  \"Type\" : \"AWS-HMAC\",\n"
      "  \"AccessKeyId\" : \"ASIAAAAAAAAAAAAAAAAA\",\n"
      "  \"SecretAccessKey\" : \"ssssssssssssssssssssssssssssssssssssssss\",\n"
      "  \"Token\" : \"tok\",\n"
      "  \"Expiration\" : \"2026-11-23T16:00:00Z\"\n"
      "}");
  EXPECT_EQ(RoleCredentialsDocument(c, "123456789012"),
            RoleCredentialsDocument(c).substr(
                0, RoleCredentialsDocument(c).size() - 2) +
                ",\n  \"AccountId\" : \"123456789012\"\n}");
}

TEST(IamDocuments, AssumeRoleUnauthorizedAccessDocument) {
  EXPECT_EQ(AssumeRoleUnauthorizedDocument("testing-node-role", kT),
            "{\n"
            "  \"Code\" : \"AssumeRoleUnauthorizedAccess\",\n"
            "  \"Message\" : \"EC2 cannot assume the role testing-node-role.  "
            "Please see documentation at https://docs.aws.amazon.com/IAM/"
            "latest/UserGuide/troubleshoot_iam-ec2.html#troubleshoot_iam-ec2_"
            "errors-info-doc.\",\n"
            "  \"LastUpdated\" : \"2026-11-23T10:00:00Z\"\n"
            "}");
}

}  // namespace
}  // namespace metamock
