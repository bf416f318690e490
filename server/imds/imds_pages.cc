#include "server/imds/imds_pages.h"

#include "absl/strings/str_cat.h"

namespace metamock {
namespace {

HttpResponse Page(int status, absl::string_view title) {
  HttpResponse response;
  response.status = status;
  response.headers.Set("Content-Type", "text/html");
  response.body = ImdsErrorPage(title);
  return response;
}

HttpResponse Empty(int status) {
  HttpResponse response;
  response.status = status;
  response.headers.Set("Content-Type", "text/plain");
  return response;
}

}  // namespace

std::string ImdsErrorPage(absl::string_view title) {
  return absl::StrCat(
      "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?>\n"
      "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\"\n"
      "    \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n"
      "<html xmlns=\"http://www.w3.org/1999/xhtml\" xml:lang=\"en\" "
      "lang=\"en\">\n"
      " <head>\n"
      "  <title>",
      title,
      "</title>\n"
      " </head>\n"
      " <body>\n"
      "  <h1>",
      title,
      "</h1>\n"
      " </body>\n"
      "</html>");
}

HttpResponse ImdsBadRequest() { return Page(400, "400 - Bad Request"); }
HttpResponse ImdsUnauthorized() { return Page(401, "401 - Unauthorized"); }
HttpResponse ImdsForbidden() { return Empty(403); }
HttpResponse ImdsNotFound() { return Page(404, "404 - Not Found"); }
HttpResponse ImdsTooManyRequests() {
  return Page(429, "429 - Too Many Requests");
}

HttpResponse ImdsMethodNotAllowed(absl::string_view allow) {
  HttpResponse response = Empty(405);
  response.headers.Set("Allow", allow);
  return response;
}

}  // namespace metamock
