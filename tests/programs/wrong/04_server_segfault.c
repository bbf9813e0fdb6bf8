/* Wrong on purpose: lesson 04's server in C that dies by SIGSEGV when the client closes
 * without sending: it prints the first byte of a reply it never got, through a NULL pointer.
 * `04.server.silent-close` must fail ("no crash"), naming the signal. recv(5) three times and
 * printing b'12345' as Python does is right. */
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
    char *first = NULL;
    char buf[5];
    for (int i = 0; i < 3; i++) {
        ssize_t n = recv(conn, buf, 5, 0);
        if (n <= 0) break;
        first = buf;
        printf("b'%.*s'\n", (int)n, buf);
        fflush(stdout);
    }
    printf("the first byte was %c\n", first[0]);
    close(conn);
    close(fd);
    return 0;
}
