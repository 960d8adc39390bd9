import http from "node:http";
http.createServer((_req, res) => res.end("ok\n")).listen(8080);
