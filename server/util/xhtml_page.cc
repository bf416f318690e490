#include "server/util/xhtml_page.h"

#include "absl/strings/str_cat.h"

namespace metamock {

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

}  // namespace metamock
