#include "server/imds/metadata_tree.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace metamock {

void MetadataTree::Builder::AddParents(const std::string& path,
                                       bool leaf_is_directory) {
  std::string child = path;
  bool child_is_directory = leaf_is_directory;
  while (!child.empty()) {
    size_t slash = child.rfind('/');
    std::string parent =
        slash == std::string::npos ? "" : child.substr(0, slash);
    std::string name =
        slash == std::string::npos ? child : child.substr(slash + 1);
    Entry& dir = entries_[parent];
    dir.is_directory = true;
    // Sub-directories are listed with a trailing slash, except at the root.
    dir.children.insert(
        child_is_directory && !parent.empty() ? absl::StrCat(name, "/") : name);
    child = parent;
    child_is_directory = true;
  }
  entries_[""].is_directory = true;
}

MetadataTree::Builder& MetadataTree::Builder::AddLeaf(
    absl::string_view path, absl::string_view value,
    absl::string_view content_type) {
  std::string key(path);
  Entry& leaf = entries_[key];
  leaf.is_directory = false;
  leaf.value = std::string(value);
  leaf.content_type = std::string(content_type);
  AddParents(key, /*leaf_is_directory=*/false);
  return *this;
}

MetadataTree::Builder& MetadataTree::Builder::AddListedName(
    absl::string_view dir, absl::string_view name) {
  std::string key(dir);
  entries_[key].children.insert(std::string(name));
  if (!key.empty()) AddParents(key, /*leaf_is_directory=*/true);
  entries_[key].is_directory = true;
  return *this;
}

MetadataTree MetadataTree::Builder::Build() const {
  MetadataTree tree;
  for (const auto& [path, entry] : entries_) {
    Node node;
    node.is_directory = entry.is_directory;
    if (entry.is_directory) {
      node.value = absl::StrJoin(entry.children, "\n");
      node.content_type = "text/plain";
    } else {
      node.value = entry.value;
      node.content_type = entry.content_type;
    }
    tree.nodes_.emplace(path, std::move(node));
  }
  return tree;
}

const MetadataTree::Node* MetadataTree::Find(absl::string_view path) const {
  auto it = nodes_.find(path);
  return it == nodes_.end() ? nullptr : &it->second;
}

}  // namespace metamock
