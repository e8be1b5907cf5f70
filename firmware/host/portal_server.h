// Serves the core's set-up page on a loopback TCP port, inside the main poll loop.
#pragma once

#include <cstddef>
#include <cstdint>
#include <poll.h>

#include "../core/portal.h"
#include "../core/reader.h"

namespace host {

class PortalServer {
public:
    static constexpr size_t kMaxClients = 4;  // browsers open spare connections in advance
    static constexpr size_t kMaxPollFds = kMaxClients + 1;

    PortalServer(han::ReaderApp& app, han::Platform& platform) : app_(app), platform_(platform) {}
    ~PortalServer();

    // Binds 127.0.0.1:port (0 picks a free port) and logs the port it got.
    bool listen(uint16_t port);
    // Adds the listening socket and the clients to a poll set; returns how many.
    size_t add_poll_fds(pollfd* fds) const;
    // Accepts, reads and answers without blocking.
    void service();

private:
    struct Client {
        int fd = -1;
        han::PortalRequest request;
    };

    void accept_clients();
    void read_client(Client& client);
    void answer(Client& client, const han::TextBuffer& response);
    void drop(Client& client);

    han::ReaderApp& app_;
    han::Platform& platform_;
    int listen_fd_ = -1;
    Client clients_[kMaxClients];
};

}  // namespace host
