// The IAM documents IMDS serves, byte for byte (../shared/reference/imds.md
// section 3): `iam/info` and the role credentials, in the IMDS JSON layout
// with AWS's key order and messages (two spaces after each "found." and
// "role.", as AWS writes them).

#ifndef METAMOCK_SERVER_IMDS_IAM_DOCUMENTS_H_
#define METAMOCK_SERVER_IMDS_IAM_DOCUMENTS_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/credentials/credentials.h"
#include "server/world/world.h"

namespace metamock {

// Where AWS's IMDS error messages send the reader.
inline constexpr char kIamTroubleshootingUrl[] =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
    "troubleshoot_iam-ec2.html#troubleshoot_iam-ec2_errors-info-doc";

// `iam/info` for an associated profile, per `snapshot.info_code`:
// Success; Success with the "does not contain a role" Message; or
// InstanceProfileNotFound naming the instance's profile id.
std::string IamInfoDocument(const IamSnapshot& snapshot);

// `iam/security-credentials/<role>`: Code Success, LastUpdated, Type
// AWS-HMAC, AccessKeyId, SecretAccessKey, Token, Expiration. With
// `account_id` non-empty (the `-extended` path), AccountId follows.
std::string RoleCredentialsDocument(const Credentials& credentials,
                                    absl::string_view account_id = "");

// The document IMDS serves, with HTTP 200, when EC2 may not assume the role
// (its trust policy lacks ec2.amazonaws.com): Code
// AssumeRoleUnauthorizedAccess, Message, LastUpdated.
std::string AssumeRoleUnauthorizedDocument(absl::string_view role_name,
                                           absl::Time last_updated);

}  // namespace metamock

#endif  // METAMOCK_SERVER_IMDS_IAM_DOCUMENTS_H_
