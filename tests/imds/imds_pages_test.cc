#include "server/imds/imds_pages.h"

#include <gtest/gtest.h>

namespace metamock {
namespace {

TEST(ImdsPages, NotFoundPageIsTheCapturedXhtml) {
  HttpResponse r = ImdsNotFound();
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.headers.Get("Content-Type"), "text/html");
  // Real captures report Content-Length: 339.
  EXPECT_EQ(r.body.size(), 339u);
  EXPECT_EQ(r.body,
            "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?>\n"
            "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\"\n"
            "    \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n"
            "<html xmlns=\"http://www.w3.org/1999/xhtml\" xml:lang=\"en\" "
            "lang=\"en\">\n"
            " <head>\n"
            "  <title>404 - Not Found</title>\n"
            " </head>\n"
            " <body>\n"
            "  <h1>404 - Not Found</h1>\n"
            " </body>\n"
            "</html>");
}

TEST(ImdsPages, UnauthorizedAndBadRequestUseTheSameTemplate) {
  EXPECT_EQ(ImdsUnauthorized().status, 401);
  EXPECT_NE(ImdsUnauthorized().body.find("<h1>401 - Unauthorized</h1>"),
            std::string::npos);
  EXPECT_EQ(ImdsBadRequest().status, 400);
  EXPECT_NE(ImdsBadRequest().body.find("<title>400 - Bad Request</title>"),
            std::string::npos);
}

TEST(ImdsPages, ForbiddenAndMethodNotAllowedAreEmpty) {
  HttpResponse forbidden = ImdsForbidden();
  EXPECT_EQ(forbidden.status, 403);
  EXPECT_EQ(forbidden.body, "");
  EXPECT_EQ(forbidden.headers.Get("Content-Type"), "text/plain");
  HttpResponse not_allowed = ImdsMethodNotAllowed("OPTIONS, PUT");
  EXPECT_EQ(not_allowed.status, 405);
  EXPECT_EQ(not_allowed.body, "");
  EXPECT_EQ(not_allowed.headers.Get("Allow"), "OPTIONS, PUT");
}

}  // namespace
}  // namespace metamock
