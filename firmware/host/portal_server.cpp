#include "portal_server.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../core/text.h"

namespace host {

namespace {

bool send_all(int fd, const char* data, size_t length) {
    size_t sent = 0;
    while (sent < length) {
        const ssize_t n = send(fd, data + sent, length - sent, MSG_NOSIGNAL);
        if (n <= 0 && errno != EINTR) return false;
        if (n > 0) sent += static_cast<size_t>(n);
    }
    return true;
}

}  // namespace

PortalServer::~PortalServer() {
    for (Client& client : clients_) drop(client);
    if (listen_fd_ >= 0) close(listen_fd_);
}

bool PortalServer::listen(uint16_t port) {
    listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    const int one = 1;
    setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    if (listen_fd_ < 0 || bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
        ::listen(listen_fd_, 8) != 0 ||
        getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        han::FixedText<160> line;
        line.add("cannot serve the portal on 127.0.0.1:").add_uint(port).add(": ").add(std::strerror(errno));
        line.add("; pick another --portal-port");
        platform_.log(line.c_str());
        return false;
    }
    han::FixedText<64> line;
    line.add("portal listening on http://127.0.0.1:").add_uint(ntohs(address.sin_port)).add('/');
    platform_.log(line.c_str());
    return true;
}

size_t PortalServer::add_poll_fds(pollfd* fds) const {
    if (listen_fd_ < 0) return 0;
    size_t count = 0;
    fds[count++] = {listen_fd_, POLLIN, 0};
    for (const Client& client : clients_) {
        if (client.fd >= 0) fds[count++] = {client.fd, POLLIN, 0};
    }
    return count;
}

void PortalServer::service() {
    if (listen_fd_ < 0) return;
    accept_clients();
    for (Client& client : clients_) {
        if (client.fd < 0) continue;
        read_client(client);
    }
}

void PortalServer::accept_clients() {
    for (Client& client : clients_) {
        if (client.fd >= 0) continue;
        const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) return;
        client.fd = fd;
        client.request.start(platform_.millis());
    }
}

void PortalServer::read_client(Client& client) {
    const ssize_t got = recv(client.fd, client.request.space(), client.request.room(), 0);
    if (got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) return drop(client);
    if (got > 0) client.request.received(static_cast<size_t>(got));
    static han::FixedText<8192> response;  // one answer at a time; kept off the stack
    if (client.request.answer(app_, platform_.millis(), response)) answer(client, response);
}

void PortalServer::answer(Client& client, const han::TextBuffer& response) {
    const char* request = client.request.data();
    const char* line_end = static_cast<const char*>(std::memchr(request, '\r', client.request.size()));
    han::FixedText<120> line;
    line.add("portal: ").add(request, line_end ? static_cast<size_t>(line_end - request) : 0);
    line.add(" -> ").add(response.c_str() + 9, 3);
    platform_.log(line.c_str());
    send_all(client.fd, response.c_str(), response.size());
    // What the client sent past a refused request is read and dropped: closing with it
    // unread resets the connection, and the client would lose the answer (a 413).
    shutdown(client.fd, SHUT_WR);
    char unread[512];
    while (recv(client.fd, unread, sizeof(unread), 0) > 0) {
    }
    drop(client);
}

void PortalServer::drop(Client& client) {
    if (client.fd >= 0) close(client.fd);
    client.fd = -1;
}

}  // namespace host
