# The material, 通信循环: its server loop, indentation restored, inside the setup of the
# section before (the material prints the loop alone; the setup lines are 01's).
import socket
server = socket.socket()
server.bind(('127.0.0.1', 8080))
server.listen(5)
sock, addr = server.accept()
while True:
    data = sock.recv(1024)
    print(data.decode('utf8'))
    msg = input('请回复消息>>>:').strip()
    sock.send(msg.encode('utf8'))
