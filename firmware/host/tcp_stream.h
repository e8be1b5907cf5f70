// The broker link on the host: a TCP socket behind the core's ByteStream.
#pragma once

#include "../core/platform.h"

namespace host {

class TcpStream : public han::ByteStream {
public:
    ~TcpStream() override { close(); }
    bool open(const char* host, uint16_t port) override;
    bool is_open() const override { return fd_ >= 0; }
    int read(uint8_t* buffer, size_t capacity) override;
    bool write(const uint8_t* data, size_t length) override;
    void close() override;
    int fd() const { return fd_; }

private:
    int fd_ = -1;
};

}  // namespace host
