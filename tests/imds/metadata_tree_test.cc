#include "server/imds/metadata_tree.h"

#include <gtest/gtest.h>

namespace metamock {
namespace {

MetadataTree SampleTree() {
  MetadataTree::Builder b;
  b.AddLeaf("meta-data/placement/region", "us-east-1");
  b.AddLeaf("meta-data/ami-id", "ami-1");
  b.AddLeaf("meta-data/placement/availability-zone", "us-east-1a");
  b.AddLeaf("dynamic/instance-identity/document", "{}");
  b.AddListedName("", "user-data");
  return b.Build();
}

TEST(MetadataTree, ListsSortedWithSlashesAndNoTrailingNewline) {
  MetadataTree tree = SampleTree();
  const MetadataTree::Node* meta = tree.Find("meta-data");
  ASSERT_NE(meta, nullptr);
  EXPECT_TRUE(meta->is_directory);
  EXPECT_EQ(meta->value, "ami-id\nplacement/");
  EXPECT_EQ(meta->content_type, "text/plain");
  EXPECT_EQ(tree.Find("meta-data/placement")->value,
            "availability-zone\nregion");
}

TEST(MetadataTree, RootListsBareNamesIncludingListedOnes) {
  MetadataTree tree = SampleTree();
  EXPECT_EQ(tree.Find("")->value, "dynamic\nmeta-data\nuser-data");
  EXPECT_EQ(tree.Find("user-data"), nullptr);
}

TEST(MetadataTree, FindsLeavesWithTheirTypes) {
  MetadataTree::Builder b;
  b.AddLeaf("user-data", "#!/bin/sh", "application/octet-stream");
  MetadataTree tree = b.Build();
  const MetadataTree::Node* leaf = tree.Find("user-data");
  ASSERT_NE(leaf, nullptr);
  EXPECT_FALSE(leaf->is_directory);
  EXPECT_EQ(leaf->value, "#!/bin/sh");
  EXPECT_EQ(leaf->content_type, "application/octet-stream");
}

TEST(MetadataTree, UnknownPathsAreAbsent) {
  MetadataTree tree = SampleTree();
  EXPECT_EQ(tree.Find("meta-data/nope"), nullptr);
  EXPECT_EQ(tree.Find("meta-data/"), nullptr);
  EXPECT_EQ(tree.Find("/meta-data"), nullptr);
}

TEST(MetadataTree, ALaterLeafReplacesAnEarlierOne) {
  MetadataTree::Builder b;
  b.AddLeaf("meta-data/ami-id", "ami-1");
  b.AddLeaf("meta-data/ami-id", "ami-2");
  MetadataTree tree = b.Build();
  EXPECT_EQ(tree.Find("meta-data/ami-id")->value, "ami-2");
  EXPECT_EQ(tree.Find("meta-data")->value, "ami-id");
}

}  // namespace
}  // namespace metamock
