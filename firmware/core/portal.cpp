#include "portal.h"

#include <cstring>

#include "reader.h"
#include "settings.h"

namespace han {

namespace {

constexpr size_t kPageCapacity = 6144;

const char kPageHead[] =
    "<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
    "<meta name=\"viewport\" content=\"width=device-width\"><title>AMS reader set-up</title>"
    "<style>body{font-family:sans-serif;max-width:30em;margin:1em auto}label{display:block;margin-top:.6em}"
    "input{width:100%}.error{color:#b00}.saved{color:#070}</style></head><body><h1>AMS reader set-up</h1>";

const char* find_body(const char* data, size_t length) {
    for (size_t i = 0; i + 3 < length; ++i) {
        if (std::memcmp(data + i, "\r\n\r\n", 4) == 0) return data + i + 4;
    }
    return nullptr;
}

// Content-Length, case-insensitively, within the headers; 0 when absent.
size_t content_length(const char* data, size_t header_length) {
    static const char kName[] = "content-length:";
    const size_t name_length = sizeof(kName) - 1;
    for (size_t i = 0; i + name_length < header_length; ++i) {
        size_t j = 0;
        while (j < name_length && (data[i + j] | 0x20) == kName[j]) ++j;
        if (j < name_length) continue;
        size_t value = 0;
        for (size_t k = i + j; k < header_length && (data[k] == ' ' || (data[k] >= '0' && data[k] <= '9')); ++k) {
            if (data[k] != ' ') value = value * 10 + static_cast<size_t>(data[k] - '0');
            if (value > kMaxHttpRequest) return kMaxHttpRequest + 1;
        }
        return value;
    }
    return 0;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') return (c | 0x20) - 'a' + 10;
    return -1;
}

// Decodes one application/x-www-form-urlencoded token ('+' is a space, %XX a byte).
void url_decode(const char* in, size_t length, char* out, size_t capacity) {
    size_t n = 0;
    for (size_t i = 0; i < length && n + 1 < capacity; ++i) {
        if (in[i] == '+') {
            out[n++] = ' ';
        } else if (in[i] == '%' && i + 2 < length && hex_value(in[i + 1]) >= 0 && hex_value(in[i + 2]) >= 0) {
            out[n++] = static_cast<char>(hex_value(in[i + 1]) * 16 + hex_value(in[i + 2]));
            i += 2;
        } else {
            out[n++] = in[i];
        }
    }
    out[n] = '\0';
}

void write_form(const Settings& settings, TextBuffer& page) {
    page.add("<form method=\"post\" action=\"/save\">");
    for (size_t i = 0; i < settings_key_count(); ++i) {
        const char* key = settings_key(i);
        const bool secret = settings_key_is_secret(key);
        FixedText<100> current;
        settings_get(settings, key, current, false);
        const char* value = std::strchr(current.c_str(), '=') + 1;
        page.add("<label for=\"").add(key).add("\">").add(key).add("</label><input id=\"").add(key);
        page.add("\" name=\"").add(key).add("\" type=\"").add(secret ? "password" : "text").add("\" value=\"");
        // Secrets are never sent back to the browser; an empty field keeps the saved one.
        if (!secret) page.add_html_escaped(value);
        page.add("\">");
    }
    page.add("<p><button id=\"save\" type=\"submit\">Save</button></p></form></body></html>");
}

// Applies every field of the form to a copy; false with one message a refused field.
bool apply_form(const Settings& current, const char* body, size_t length, Settings& next, TextBuffer& errors) {
    next = current;
    bool ok = true;
    const char* end = body + length;
    for (const char* p = body; p < end;) {
        const char* amp = static_cast<const char*>(std::memchr(p, '&', static_cast<size_t>(end - p)));
        const char* pair_end = amp ? amp : end;
        const char* eq = static_cast<const char*>(std::memchr(p, '=', static_cast<size_t>(pair_end - p)));
        if (eq) {
            char key[40], value[160];
            url_decode(p, static_cast<size_t>(eq - p), key, sizeof(key));
            url_decode(eq + 1, static_cast<size_t>(pair_end - eq - 1), value, sizeof(value));
            if (!(settings_key_is_secret(key) && value[0] == '\0')) {
                FixedText<200> error;
                if (!settings_set(next, key, value, error)) {
                    errors.add("<p class=\"error\">").add_html_escaped(error.c_str()).add("</p>");
                    ok = false;
                }
            }
        }
        p = pair_end + 1;
    }
    FixedText<200> error;
    if (ok && !settings_complete(next, error)) {
        errors.add("<p class=\"error\">").add_html_escaped(error.c_str()).add("</p>");
        ok = false;
    }
    return ok;
}

void write_response(int status, const TextBuffer& page, TextBuffer& response) {
    response.add("HTTP/1.1 ").add_uint(static_cast<uint64_t>(status)).add(status == 200 ? " OK" : " Bad Request");
    response.add("\r\nContent-Type: text/html; charset=utf-8\r\nCache-Control: no-store\r\nConnection: close");
    response.add("\r\nContent-Length: ").add_uint(page.size()).add("\r\n\r\n").add(page.c_str(), page.size());
}

}  // namespace

HttpRequestState http_request_state(const char* data, size_t length) {
    const char* body = find_body(data, length);
    if (!body) return length >= kMaxHttpRequest ? HttpRequestState::TooLarge : HttpRequestState::Incomplete;
    const size_t header_length = static_cast<size_t>(body - data);
    const size_t wanted = header_length + content_length(data, header_length);
    if (wanted > kMaxHttpRequest) return HttpRequestState::TooLarge;
    return length >= wanted ? HttpRequestState::Complete : HttpRequestState::Incomplete;
}

void handle_portal_request(ReaderApp& app, const char* request, size_t length, TextBuffer& response) {
    FixedText<kPageCapacity> page;
    page.add(kPageHead);
    int status = 200;
    if (length >= 10 && std::memcmp(request, "POST /save", 10) == 0) {
        const char* body = find_body(request, length);
        const size_t body_length = body ? length - static_cast<size_t>(body - request) : 0;
        Settings next;
        FixedText<1024> errors;
        if (body && apply_form(app.settings(), body, body_length, next, errors)) {
            const bool saved = app.replace_settings(next);
            page.add(saved ? "<p class=\"saved\" id=\"saved\">Saved. The reader now uses these settings.</p>"
                           : "<p class=\"error\">Applied, but could not be saved to flash.</p>");
        } else {
            status = 400;
            page.add("<div id=\"errors\">").add(errors.c_str()).add("<p class=\"error\">Nothing was saved.</p></div>");
        }
    }
    write_form(app.settings(), page);
    write_response(status, page, response);
}

}  // namespace han
