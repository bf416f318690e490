#include "server/scenario/json_positions.h"

#include <gtest/gtest.h>

namespace metamock {
namespace {

TEST(JsonPositions, RecordsValuesAndKeysByPointer) {
  const char* text =
      "{\n"
      "  // comment with \"quotes\" and { braces\n"
      "  \"a\": [1, {\"b/c\": \"x\"}],\n"
      "  /* block\n"
      "     comment */ \"d\" :  true\n"
      "}";
  JsonPositions p = JsonPositions::Scan(text);
  EXPECT_EQ(p.Value("").line, 1);
  EXPECT_EQ(p.Key("/a").line, 3);
  EXPECT_EQ(p.Key("/a").column, 3);
  EXPECT_EQ(p.Value("/a").column, 8);
  EXPECT_EQ(p.Value("/a/0").column, 9);
  EXPECT_EQ(p.Value("/a/1").column, 12);
  EXPECT_EQ(p.Key("/a/1/b~1c").column, 13);
  EXPECT_EQ(p.Value("/a/1/b~1c").column, 20);
  EXPECT_EQ(p.Key("/d").line, 5);
  EXPECT_EQ(p.Key("/d").column, 17);
  EXPECT_EQ(p.Value("/d").column, 24);
}

TEST(JsonPositions, FallsBackToTheNearestEnclosingValue) {
  JsonPositions p = JsonPositions::Scan("{\n  \"x\": {}\n}");
  EXPECT_EQ(p.Value("/x/missing/deeper").line, 2);
  EXPECT_EQ(p.Value("/x/missing/deeper").column, 8);
}

TEST(JsonPositions, ColumnsCountCharactersNotBytes) {
  JsonPositions p = JsonPositions::Scan("{\"é€\": \"ü\", \"k\": 1}");
  EXPECT_EQ(p.Key("/k").column, 13);
}

TEST(JsonPositions, ReportsDuplicateKeys) {
  JsonPositions p = JsonPositions::Scan("{\"a\": 1,\n \"a\": {\"z\": 2}}");
  ASSERT_EQ(p.duplicates().size(), 1u);
  EXPECT_EQ(p.duplicates()[0].first, "/a");
  EXPECT_EQ(p.duplicates()[0].second.line, 2);
  EXPECT_EQ(p.duplicates()[0].second.column, 2);
  EXPECT_EQ(p.Key("/a").line, 2);  // the last one counts, as in nlohmann
  EXPECT_EQ(p.Value("/a/z").line, 2);
}

TEST(JsonPositions, OffsetsToLineAndColumn) {
  EXPECT_EQ(PositionOfOffset("ab\ncd", 4).line, 2);
  EXPECT_EQ(PositionOfOffset("ab\ncd", 4).column, 2);
  EXPECT_EQ(PositionOfOffset("ab", 99).column, 3);
}

TEST(JsonPositions, SurvivesTruncatedText) {
  // Not valid JSON (the parser would have refused it), but scanning must
  // not read past the end.
  for (const char* text : {"{", "{\"a", "[1,", "\"x", "{\"a\":/*", "//"}) {
    JsonPositions::Scan(text);
  }
}

}  // namespace
}  // namespace metamock
