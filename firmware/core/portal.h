// The first-set-up page (captive portal) and its form handling. The ESP8266
// serves it from its access point; the host serves the same page on a TCP port.
#pragma once

#include <cstddef>

#include "text.h"

namespace han {

class ReaderApp;

enum class HttpRequestState { Incomplete, Complete, TooLarge };

constexpr size_t kMaxHttpRequest = 2048;

// Whether the bytes so far hold a whole request (headers and Content-Length body).
HttpRequestState http_request_state(const char* data, size_t length);

// Answers one whole request: GET anything -> the form; POST /save -> validate
// every field, save and apply them, or show the form again with one message a
// refused field. Writes the whole HTTP response (header and page) to response.
void handle_portal_request(ReaderApp& app, const char* request, size_t length, TextBuffer& response);

}  // namespace han
