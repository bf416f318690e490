// Builds the static part of an instance's metadata tree from a Scenario:
// everything under /latest/ except the `iam/` subtree, which changes with
// the world and the clock and is answered by ImdsService itself.

#ifndef METAMOCK_SERVER_IMDS_INSTANCE_METADATA_H_
#define METAMOCK_SERVER_IMDS_INSTANCE_METADATA_H_

#include "absl/time/time.h"
#include "server/imds/metadata_tree.h"
#include "server/scenario/scenario.h"

namespace metamock {

// The tree of `scenario`'s instance, launched at `start` plus the
// scenario's launch offset.
MetadataTree BuildInstanceMetadata(const Scenario& scenario, absl::Time start);

// The instance identity document (`/latest/dynamic/instance-identity/
// document`) in the IMDS JSON layout.
std::string InstanceIdentityDocument(const Scenario& scenario,
                                     absl::Time start);

}  // namespace metamock

#endif  // METAMOCK_SERVER_IMDS_INSTANCE_METADATA_H_
