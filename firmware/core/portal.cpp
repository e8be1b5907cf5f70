#include "portal.h"

#include <cstring>

#include "reader.h"
#include "settings.h"

namespace han {

namespace {

// Digits reserved for Content-Length: up to 99,999 bytes, more than any response buffer
// the board has room for.
constexpr size_t kLengthWidth = 5;

const char kPageHead[] HAN_FLASH =
    "<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
    "<meta name=\"viewport\" content=\"width=device-width\"><title>AMS reader set-up</title>"
    "<style>body{font-family:sans-serif;max-width:30em;margin:1em auto}label{display:block;margin-top:.6em}"
    "input{width:100%}.error{color:#b00}.saved{color:#070}</style></head><body><h1>AMS reader set-up</h1>";

const char* find_body(const char* data, size_t length) {
    for (size_t i = 0; i + 3 < length; ++i) {
        if (data[i] == '\r' && data[i + 1] == '\n' && data[i + 2] == '\r' && data[i + 3] == '\n') return data + i + 4;
    }
    return nullptr;
}

// Content-Length, case-insensitively, within the headers; 0 when absent.
size_t content_length(const char* data, size_t header_length) {
    const FlashText* name = HAN_F("content-length:");
    const size_t name_length = flash_length(name);
    for (size_t i = 0; i + name_length < header_length; ++i) {
        size_t j = 0;
        while (j < name_length && (data[i + j] | 0x20) == flash_char(name, j)) ++j;
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
    page.add(HAN_F("<form method=\"post\" action=\"/save\">"));
    for (size_t i = 0; i < settings_key_count(); ++i) {
        FixedText<24> name;
        name.add(settings_key(i));
        const char* key = name.c_str();
        if (settings_key_is_stored_only(key)) continue;  // the reader keeps it; nothing to fill in
        const bool secret = settings_key_is_secret(key);
        FixedText<100> current;
        settings_get(settings, key, current, false);
        const char* value = std::strchr(current.c_str(), '=') + 1;
        page.add(HAN_F("<label for=\"")).add(key).add(HAN_F("\">")).add(key);
        page.add(HAN_F("</label><input id=\"")).add(key).add(HAN_F("\" name=\"")).add(key);
        page.add(secret ? HAN_F("\" type=\"password\" value=\"") : HAN_F("\" type=\"text\" value=\""));
        // Secrets are never sent back to the browser; an empty field keeps the saved one.
        if (!secret) page.add_html_escaped(value);
        page.add(HAN_F("\">"));
        if (secret) {
            // Left empty the field keeps the saved secret, so clearing one is a box of its own.
            page.add(HAN_F("<label><input type=\"checkbox\" id=\"clear_")).add(key).add(HAN_F("\" name=\"clear_"));
            page.add(key).add(HAN_F("\" value=\"1\" style=\"width:auto\"> clear ")).add(key).add(HAN_F("</label>"));
        }
    }
    page.add(HAN_F("<p><button id=\"save\" type=\"submit\">Save</button></p></form></body></html>"));
}

// The refusals' messages written into a page at most: each quotes up to 199 characters of
// its field's error, HTML-escaped (six bytes a quote at worst), and a 2 KiB form can hold
// hundreds of refused fields. With the form at its widest (about 5.3 KB, every shown value
// at its longest and escaped) the page stays inside the 8 KiB response buffer.
constexpr size_t kMaxErrorText = 2048;

// Applies every field of the form to next (a copy of the current settings); false with
// one message a refused field, as many as fit kMaxErrorText, then how many more there were.
bool apply_form(const char* body, size_t length, Settings& next, TextBuffer& errors) {
    bool ok = true;
    const TextBuffer::Mark first = errors.mark();
    uint32_t untold = 0;
    const char* end = body + length;
    for (const char* p = body; p < end;) {
        const char* amp = static_cast<const char*>(std::memchr(p, '&', static_cast<size_t>(end - p)));
        const char* pair_end = amp ? amp : end;
        const char* eq = static_cast<const char*>(std::memchr(p, '=', static_cast<size_t>(pair_end - p)));
        if (eq) {
            char key[40], value[160];
            url_decode(p, static_cast<size_t>(eq - p), key, sizeof(key));
            url_decode(eq + 1, static_cast<size_t>(pair_end - eq - 1), value, sizeof(value));
            const bool clear = flash_starts(reinterpret_cast<const uint8_t*>(key), std::strlen(key), HAN_F("clear_")) &&
                               settings_key_is_secret(key + 6);
            if (clear || !(settings_key_is_secret(key) && value[0] == '\0')) {
                FixedText<200> error;
                if (!settings_set(next, clear ? key + 6 : key, clear ? "" : value, error)) {
                    const TextBuffer::Mark before = errors.mark();
                    errors.add(HAN_F("<p class=\"error\">")).add_html_escaped(error.c_str()).add(HAN_F("</p>"));
                    if (errors.size() - first > kMaxErrorText) {
                        errors.reset(before);
                        ++untold;
                    }
                    ok = false;
                }
            }
        }
        p = pair_end + 1;
    }
    if (untold > 0) {
        errors.add(HAN_F("<p class=\"error\">")).add_uint(untold).add(HAN_F(" more refused fields not shown</p>"));
    }
    FixedText<200> error;
    if (ok && !settings_complete(next, error)) {
        errors.add(HAN_F("<p class=\"error\">")).add_html_escaped(error.c_str()).add(HAN_F("</p>"));
        ok = false;
    }
    return ok;
}

// Writes the header before the page exists (the page goes straight into the response,
// so no page-sized buffer sits on the 4 KiB loop stack of the ESP8266) and returns where
// Content-Length's digits go. The field is reserved as spaces and the digits are filled
// in left-aligned: the padding left after them is optional whitespace after a field
// value, which every parser strips (RFC 9112, section 5), so a client reads the plain
// number. Zero-padding was the other choice; a parser that honours a base prefix would
// take "0" followed by digits for octal.
const FlashText* reason(int status) {
    switch (status) {
    case 200: return HAN_F(" OK");
    case 408: return HAN_F(" Request Timeout");
    case 413: return HAN_F(" Content Too Large");
    default: return HAN_F(" Bad Request");
    }
}

TextBuffer::Mark write_header(int status, TextBuffer& response) {
    response.add(HAN_F("HTTP/1.1 ")).add_uint(static_cast<uint64_t>(status)).add(reason(status));
    response.add(HAN_F("\r\nContent-Type: text/html; charset=utf-8\r\nCache-Control: no-store\r\nConnection: close"));
    response.add(HAN_F("\r\nContent-Length: "));
    const TextBuffer::Mark digits = response.mark();
    for (size_t i = 0; i < kLengthWidth; ++i) response.add(' ');
    response.add(HAN_F("\r\n\r\n"));
    return digits;
}

// A request refused before it was read whole: a one-line page, nothing applied.
void write_refusal(int status, const FlashText* why, TextBuffer& response) {
    const TextBuffer::Mark length_digits = write_header(status, response);
    const TextBuffer::Mark page = response.mark();
    response.add(why);
    response.overwrite_uint(length_digits, kLengthWidth, response.size() - page);
}

}  // namespace

void PortalRequest::start(uint32_t now_ms) {
    used_ = 0;
    since_ms_ = now_ms;
    state_ = HttpRequestState::Incomplete;
    saved_ = false;
}

HttpRequestState PortalRequest::received(size_t n) {
    used_ += n < room() ? n : room();
    state_ = http_request_state(request_, used_);
    return state_;
}

bool PortalRequest::answer(ReaderApp& app, uint32_t now_ms, TextBuffer& response) {
    response.clear();
    switch (state_) {
    case HttpRequestState::Complete:
        saved_ = handle_portal_request(app, request_, used_, response);
        return true;
    case HttpRequestState::TooLarge:
        write_refusal(413, HAN_F("Request larger than 2048 bytes; nothing was saved.\n"), response);
        return true;
    case HttpRequestState::Incomplete:
        break;
    }
    if (now_ms - since_ms_ < kHttpRequestTimeoutMs) return false;
    write_refusal(408, HAN_F("Request not received whole within 5 s; nothing was saved.\n"), response);
    return true;
}

HttpRequestState http_request_state(const char* data, size_t length) {
    const char* body = find_body(data, length);
    if (!body) return length >= kMaxHttpRequest ? HttpRequestState::TooLarge : HttpRequestState::Incomplete;
    const size_t header_length = static_cast<size_t>(body - data);
    const size_t wanted = header_length + content_length(data, header_length);
    if (wanted > kMaxHttpRequest) return HttpRequestState::TooLarge;
    return length >= wanted ? HttpRequestState::Complete : HttpRequestState::Incomplete;
}

bool handle_portal_request(ReaderApp& app, const char* request, size_t length, TextBuffer& response) {
    const bool post = flash_starts(reinterpret_cast<const uint8_t*>(request), length, HAN_F("POST /save"));
    const char* body = post ? find_body(request, length) : nullptr;
    const size_t body_length = body ? length - static_cast<size_t>(body - request) : 0;
    // A copy, not a default Settings: its initial values would be one more constant in data RAM.
    Settings next = app.settings();
    // The status line goes first, so the form is checked before anything is written;
    // a refused form is checked again below to write its messages into the page.
    FixedText<1> no_messages;
    const bool valid = body && apply_form(body, body_length, next, no_messages);
    const TextBuffer::Mark length_digits = write_header(post && !valid ? 400 : 200, response);
    const TextBuffer::Mark page = response.mark();
    response.add(as_flash_text(kPageHead));
    bool saved = false;
    if (valid) {
        saved = app.replace_settings(next);
        response.add(saved ? HAN_F("<p class=\"saved\" id=\"saved\">Saved. The reader now uses these settings.</p>")
                           : HAN_F("<p class=\"error\">Not saved: the settings store failed; the previous settings "
                                   "stay in force.</p>"));
    } else if (post) {
        response.add(HAN_F("<div id=\"errors\">"));
        next = app.settings();
        if (body) apply_form(body, body_length, next, response);
        response.add(HAN_F("<p class=\"error\">Nothing was saved.</p></div>"));
    }
    write_form(app.settings(), response);
    response.overwrite_uint(length_digits, kLengthWidth, response.size() - page);
    return saved;
}

}  // namespace han
