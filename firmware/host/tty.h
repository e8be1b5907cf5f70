// The meter line on the host: a tty (USB UART or pty) opened raw with termios.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace host {

class Tty {
public:
    ~Tty() { close(); }
    // Opens PATH raw at 2400 baud 8E1; false with a one-line reason in error().
    bool open(const std::string& path);
    // 8E1 checks parity and marks bad bytes (PARMRK) so they can be counted; 8N1 does not.
    // baud is 2400, 9600 or 115200 (a pty takes any and ignores it).
    bool set_line(uint32_t baud, bool even);
    // Reads what is there into out; returns bytes stored, or -1 on hang-up or error.
    int read(uint8_t* out, size_t capacity, uint32_t& parity_errors);
    void close();
    int fd() const { return fd_; }
    const std::string& error() const { return error_; }

private:
    int unmark(const uint8_t* in, size_t length, uint8_t* out, uint32_t& parity_errors);

    int fd_ = -1;
    bool even_ = true;
    uint32_t baud_ = 2400;
    int mark_state_ = 0;  // position inside a PARMRK escape (\377 \0 X or \377 \377)
    std::string error_;
};

}  // namespace host
