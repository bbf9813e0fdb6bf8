/* Right: lesson 01's server in C, as a student writes it from the page: no SO_REUSEADDR (the
 * page asks none), one client, one message, one reply, close. On a fixed port, twice in a row,
 * it must pass: the checker leaves no TIME_WAIT where it binds next. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void) {
    const char *env = getenv("PORT");
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(env ? atoi(env) : 8080);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0) { perror("bind"); return 1; }
    listen(fd, 5);
    socklen_t len = sizeof addr;
    getsockname(fd, (struct sockaddr *)&addr, &len);
    printf("listening on 127.0.0.1:%d\n", ntohs(addr.sin_port));
    fflush(stdout);
    int conn = accept(fd, NULL, NULL);
    char buf[1024];
    ssize_t n = recv(conn, buf, sizeof buf, 0);
    if (n <= 0) {
        printf("the client closed without a word\n");
    } else {
        printf("收到来自客户端的消息:%.*s\n", (int)n, buf);
        const char reply[] = "萨瓦迪卡客户端";
        send(conn, reply, sizeof reply - 1, 0);
    }
    fflush(stdout);
    close(conn);
    close(fd);
    return 0;
}
