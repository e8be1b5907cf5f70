#include "tcp_stream.h"

#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace host {

namespace {

constexpr int kConnectTimeoutMs = 3000;
constexpr int kWriteTimeoutMs = 2000;

bool wait_for(int fd, short events, int timeout_ms) {
    pollfd entry{fd, events, 0};
    return poll(&entry, 1, timeout_ms) == 1 && (entry.revents & events);
}

// A non-blocking connect bounded by a timeout, so a dead broker never stalls
// the meter line for the kernel's two-minute SYN retry.
int connect_with_timeout(const addrinfo* address) {
    const int fd = socket(address->ai_family, address->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                          address->ai_protocol);
    if (fd < 0) return -1;
    if (connect(fd, address->ai_addr, address->ai_addrlen) != 0 && errno != EINPROGRESS) {
        ::close(fd);
        return -1;
    }
    int error = 0;
    socklen_t length = sizeof(error);
    if (!wait_for(fd, POLLOUT, kConnectTimeoutMs) ||
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0 || error != 0) {
        ::close(fd);
        return -1;
    }
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return fd;
}

}  // namespace

bool TcpStream::open(const char* host, uint16_t port) {
    close();
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    char service[8];
    std::snprintf(service, sizeof(service), "%u", static_cast<unsigned>(port));
    addrinfo* found = nullptr;
    if (getaddrinfo(host, service, &hints, &found) != 0) return false;
    for (const addrinfo* address = found; address && fd_ < 0; address = address->ai_next) {
        fd_ = connect_with_timeout(address);
    }
    freeaddrinfo(found);
    return fd_ >= 0;
}

int TcpStream::read(uint8_t* buffer, size_t capacity) {
    if (fd_ < 0) return -1;
    if (capacity == 0) return 0;
    const ssize_t got = recv(fd_, buffer, capacity, MSG_DONTWAIT);
    if (got > 0) return static_cast<int>(got);
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return 0;
    return -1;
}

bool TcpStream::write(const uint8_t* data, size_t length) {
    size_t sent = 0;
    while (fd_ >= 0 && sent < length) {
        const ssize_t n = send(fd_, data + sent, length - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            sent += static_cast<size_t>(n);
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (!wait_for(fd_, POLLOUT, kWriteTimeoutMs)) return false;
        } else if (!(n < 0 && errno == EINTR)) {
            return false;
        }
    }
    return sent == length;
}

void TcpStream::close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

}  // namespace host
