// Wrong on purpose: lesson 01's server in Java that crashes when the client closes without a
// word. in.read returns -1 there, and new String(buf, 0, -1) throws
// StringIndexOutOfBoundsException: `01.server.silent-close` must fail ("no crash").
import java.io.*;
import java.net.*;
import java.nio.charset.StandardCharsets;

public class Lesson01ServerCrash {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8080"));
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress("127.0.0.1", port), 5);
        System.out.println("listening on 127.0.0.1:" + server.getLocalPort());
        Socket sock = server.accept();
        byte[] buf = new byte[1024];
        int n = sock.getInputStream().read(buf);
        String msg = new String(buf, 0, n, StandardCharsets.UTF_8);
        System.out.println("收到来自客户端的消息:" + msg);
        sock.getOutputStream().write("萨瓦迪卡客户端".getBytes(StandardCharsets.UTF_8));
        sock.close();
        server.close();
    }
}
