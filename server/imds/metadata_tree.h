// A static tree of metadata paths under one version root (`/latest/`).
//
// Leaves hold a value and its content type; directories hold their listing,
// rendered once at build time the way IMDS prints it: children sorted,
// joined by `\n` with no trailing newline, sub-directories with a trailing
// `/` except at the root, where `/latest/` lists bare names (`dynamic`,
// `meta-data`, `user-data`).
//
// Build with MetadataTree::Builder; a built tree is immutable and
// thread-safe.

#ifndef METAMOCK_SERVER_IMDS_METADATA_TREE_H_
#define METAMOCK_SERVER_IMDS_METADATA_TREE_H_

#include <map>
#include <set>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"

namespace metamock {

class MetadataTree {
 public:
  struct Node {
    bool is_directory = false;
    std::string value;         // a leaf's value, or a directory's listing
    std::string content_type;  // the leaf's type; "text/plain" for listings
  };

  class Builder {
   public:
    // Adds a leaf at `path` ("meta-data/placement/region"), creating its
    // directories. A later leaf at the same path replaces the earlier one.
    Builder& AddLeaf(absl::string_view path, absl::string_view value,
                     absl::string_view content_type = "text/plain");

    // Lists `name` in the directory `dir` without a node behind it
    // (`/latest/` lists `user-data` even when there is none).
    Builder& AddListedName(absl::string_view dir, absl::string_view name);

    MetadataTree Build() const;

   private:
    struct Entry {
      bool is_directory = false;
      std::string value;
      std::string content_type;
      std::set<std::string> children;  // display names, sorted
    };
    // Creates the directories above `path` and lists each level.
    void AddParents(const std::string& path, bool leaf_is_directory);

    std::map<std::string, Entry> entries_;  // path -> entry; "" is the root
  };

  // The node at `path`: relative to the version root, no leading or
  // trailing slash ("" is the root). Null when there is none.
  const Node* Find(absl::string_view path) const;

 private:
  absl::flat_hash_map<std::string, Node> nodes_;  // immutable once built
};

}  // namespace metamock

#endif  // METAMOCK_SERVER_IMDS_METADATA_TREE_H_
