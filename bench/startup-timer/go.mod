module timekeeper/bench/startup-timer

go 1.22
