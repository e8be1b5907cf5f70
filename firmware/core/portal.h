// The first-set-up page (captive portal) and its form handling. The ESP8266
// serves it from its access point; the host serves the same page on a TCP port.
#pragma once

#include <cstddef>
#include <cstdint>

#include "text.h"

namespace han {

class ReaderApp;

enum class HttpRequestState { Incomplete, Complete, TooLarge };

constexpr size_t kMaxHttpRequest = 2048;
// A client that has not sent its whole request by then gets 408 and nothing is applied.
constexpr uint32_t kHttpRequestTimeoutMs = 5000;

// Whether the bytes so far hold a whole request (headers and Content-Length body).
HttpRequestState http_request_state(const char* data, size_t length);

// Answers one whole request: GET anything -> the form; POST /save -> validate
// every field, save and apply them, or show the form again with one message a
// refused field. Writes the whole HTTP response (header and page) to response; true
// when new settings were applied and saved.
bool handle_portal_request(ReaderApp& app, const char* request, size_t length, TextBuffer& response);

// One client's request as it arrives, on any board: bytes in, and once it is whole, too
// large or too slow, the one response it gets. Only a whole request reaches the form
// handling, so half a form is never saved.
class PortalRequest {
public:
    void start(uint32_t now_ms);
    // Where the next bytes go, and how many fit.
    char* space() { return request_ + used_; }
    size_t room() const { return sizeof(request_) - used_; }
    // After n bytes were written into space(): whether the request is whole yet.
    HttpRequestState received(size_t n);
    // True when the request is whole, too large or past kHttpRequestTimeoutMs: then the
    // response (the page, 413 or 408) is in response and the connection is to be closed.
    bool answer(ReaderApp& app, uint32_t now_ms, TextBuffer& response);
    // Whether the answer saved new settings (a board in set-up mode then restarts into them).
    bool saved() const { return saved_; }
    const char* data() const { return request_; }
    size_t size() const { return used_; }

private:
    char request_[kMaxHttpRequest];
    size_t used_ = 0;
    uint32_t since_ms_ = 0;
    HttpRequestState state_ = HttpRequestState::Incomplete;
    bool saved_ = false;
};

}  // namespace han
