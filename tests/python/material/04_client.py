# The material, 黏包问题, 客户端: as printed.
import socket
client = socket.socket()
client.connect(('127.0.0.1', 8080))
client.send(b'1234567')
client.send(b'abcde')
client.send(b'hhhhh')
