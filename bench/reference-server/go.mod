module timekeeper/bench/reference-server

go 1.22
