#include "server/util/imds_json.h"

#include <gtest/gtest.h>

namespace metamock {
namespace {

using Json = nlohmann::ordered_json;

TEST(ImdsJson, LaysOutObjectsLikeImds) {
  Json doc;
  doc["Code"] = "Success";
  doc["LastUpdated"] = "2022-02-13T13:17:17Z";
  EXPECT_EQ(RenderImdsJson(doc),
            "{\n"
            "  \"Code\" : \"Success\",\n"
            "  \"LastUpdated\" : \"2022-02-13T13:17:17Z\"\n"
            "}");
}

TEST(ImdsJson, KeepsInsertionOrder) {
  Json doc;
  doc["b"] = 1;
  doc["a"] = 2;
  EXPECT_EQ(RenderImdsJson(doc), "{\n  \"b\" : 1,\n  \"a\" : 2\n}");
}

TEST(ImdsJson, RendersNullsArraysAndNestedObjects) {
  Json doc;
  doc["kernelId"] = nullptr;
  doc["codes"] = Json::array({"a", "b"});
  doc["none"] = Json::array();
  doc["inner"]["x"] = true;
  EXPECT_EQ(RenderImdsJson(doc),
            "{\n"
            "  \"kernelId\" : null,\n"
            "  \"codes\" : [ \"a\", \"b\" ],\n"
            "  \"none\" : [ ],\n"
            "  \"inner\" : {\n"
            "    \"x\" : true\n"
            "  }\n"
            "}");
}

TEST(ImdsJson, EscapesStringsAndSurvivesInvalidUtf8) {
  Json doc;
  doc["q"] = "say \"hi\"\n";
  doc["bad"] = std::string("\xff\xfe");
  std::string out = RenderImdsJson(doc);
  EXPECT_NE(out.find("\"say \\\"hi\\\"\\n\""), std::string::npos);
  EXPECT_NE(out.find("\xEF\xBF\xBD"), std::string::npos);  // U+FFFD
}

}  // namespace
}  // namespace metamock
