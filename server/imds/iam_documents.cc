#include "server/imds/iam_documents.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "server/util/aws_time.h"
#include "server/util/imds_json.h"

namespace metamock {

std::string IamInfoDocument(const IamSnapshot& snapshot) {
  nlohmann::ordered_json doc;
  const std::string last_updated =
      FormatAwsTimestamp(snapshot.info_last_updated);
  if (snapshot.info_code == IamInfoCode::kInstanceProfileNotFound) {
    doc["Code"] = "InstanceProfileNotFound";
    doc["Message"] =
        absl::StrCat("Instance Profile with Id ", snapshot.profile_id,
                     " cannot be found.  Please see "
                     "documentation at ",
                     kIamTroubleshootingUrl, ".");
    doc["LastUpdated"] = last_updated;
    return RenderImdsJson(doc);
  }
  doc["Code"] = "Success";
  if (snapshot.info_code == IamInfoCode::kSuccessWithoutRole) {
    // The IAM guide quotes only `"Message":"Instance Profile does not
    // contain a role..."`; the rest follows AWS's other messages.
    doc["Message"] = absl::StrCat(
        "Instance Profile does not contain a role.  Please see "
        "documentation at ",
        kIamTroubleshootingUrl, ".");
  }
  doc["LastUpdated"] = last_updated;
  doc["InstanceProfileArn"] = snapshot.profile_arn;
  doc["InstanceProfileId"] = snapshot.profile_id;
  return RenderImdsJson(doc);
}

std::string RoleCredentialsDocument(const Credentials& credentials,
                                    absl::string_view account_id) {
  nlohmann::ordered_json doc;
  doc["Code"] = "Success";
  doc["LastUpdated"] = FormatAwsTimestamp(credentials.last_updated);
  doc["Type"] = "AWS-HMAC";
  doc["AccessKeyId"] = credentials.access_key_id;
  doc["SecretAccessKey"] = credentials.secret_access_key;
  doc["Token"] = credentials.session_token;
  doc["Expiration"] = FormatAwsTimestamp(credentials.expiration);
  if (!account_id.empty()) doc["AccountId"] = std::string(account_id);
  return RenderImdsJson(doc);
}

std::string AssumeRoleUnauthorizedDocument(absl::string_view role_name,
                                           absl::Time last_updated) {
  nlohmann::ordered_json doc;
  doc["Code"] = "AssumeRoleUnauthorizedAccess";
  doc["Message"] = absl::StrCat("EC2 cannot assume the role ", role_name,
                                ".  Please see documentation at ",
                                kIamTroubleshootingUrl, ".");
  doc["LastUpdated"] = FormatAwsTimestamp(last_updated);
  return RenderImdsJson(doc);
}

}  // namespace metamock
