// Wrong on purpose: lesson 05's server in Java that believes any length: new byte[n] throws
// NegativeArraySizeException for -1 and OutOfMemoryError for 2^31-1, so the JVM dies on them:
// `05.server.negative-length` and `05.server.huge-length` must fail. Everything else is right:
// frames read whole, bodies printed as text, a close inside a frame an error exit, not a crash.
import java.io.*;
import java.net.*;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

public class Lesson05ServerNewArray {
    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, "UTF-8");
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8080"));
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress("127.0.0.1", port), 5);
        out.println("listening on 127.0.0.1:" + server.getLocalPort());
        Socket sock = server.accept();
        DataInputStream in = new DataInputStream(sock.getInputStream());
        while (true) {
            byte[] head = new byte[4];
            int got = in.readNBytes(head, 0, 4);
            if (got == 0) break;
            if (got < 4) { System.err.println("closed inside a length"); System.exit(1); }
            int n = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getInt();
            byte[] body = new byte[n];
            if (in.readNBytes(body, 0, n) < n) { System.err.println("closed inside a frame"); System.exit(1); }
            out.println(new String(body, StandardCharsets.UTF_8));
        }
        sock.close();
        server.close();
    }
}
