// Command startup-timer starts a server process and measures the time from the
// moment it is spawned to its first HTTP 200 on a readiness URL, then stops it
// with SIGTERM and waits for it to exit. `bench/startup` runs it several times.
//
// It is a Go program rather than a shell loop around curl because polling every
// few milliseconds with fresh curl processes would steal CPU from the JVM whose
// boot it measures; here polling costs next to nothing.
//
//	startup-timer -url "http://127.0.0.2:18080$READY_PATH" \
//	    -log service.log -exercise http://127.0.0.2:18080/api/timezone/Europe/London \
//	    -- java -jar timekeeper.jar server
//
// On success it prints one line, `ready_ms=<n> exit=<code>`, and exits 0; it
// exits non-zero when the process dies or times out before it is ready, or
// when it exits non-zero after SIGTERM.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"
)

type urlList []string

func (u *urlList) String() string     { return strings.Join(*u, ",") }
func (u *urlList) Set(v string) error { *u = append(*u, v); return nil }

func main() {
	readyURL := flag.String("url", "", "readiness URL; the first 200 ends the measurement")
	interval := flag.Duration("interval", 5*time.Millisecond, "pause between readiness polls")
	timeout := flag.Duration("timeout", 120*time.Second, "give up when not ready after this long")
	stopTimeout := flag.Duration("stop-timeout", 60*time.Second, "SIGKILL when not exited this long after SIGTERM")
	logPath := flag.String("log", "", "file for the process's stdout and stderr (default: discard)")
	var exercise urlList
	flag.Var(&exercise, "exercise", "URL to GET once after readiness and before stopping (repeatable); "+
		"used by CDS training runs so request-path classes are loaded and archived")
	flag.Parse()
	if *readyURL == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: startup-timer -url READY_URL [-log FILE] [-exercise URL]... -- COMMAND [ARG]...")
		os.Exit(2)
	}
	if err := run(*readyURL, *interval, *timeout, *stopTimeout, *logPath, exercise, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "startup-timer:", err)
		os.Exit(1)
	}
}

func run(readyURL string, interval, timeout, stopTimeout time.Duration, logPath string, exercise, command []string) error {
	output := io.Discard
	if logPath != "" {
		file, err := os.Create(logPath)
		if err != nil {
			return err
		}
		defer file.Close()
		output = file
	}
	cmd := exec.Command(command[0], command[1:]...)
	cmd.Stdout, cmd.Stderr = output, output
	// The kernel kills the server if this timer dies (Ctrl-C, kill): no orphans.
	// Pdeathsig follows the thread that forked, hence the locked OS thread.
	runtime.LockOSThread()
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}

	interrupted := make(chan os.Signal, 1)
	signal.Notify(interrupted, os.Interrupt, syscall.SIGTERM)

	started := time.Now()
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	readyAfter, err := waitReady(readyURL, started, interval, timeout, exited, interrupted)
	if err != nil {
		_ = cmd.Process.Kill()
		return err
	}
	client := &http.Client{Timeout: 10 * time.Second}
	for _, url := range exercise {
		if err := get(client, url); err != nil {
			_ = cmd.Process.Kill()
			return fmt.Errorf("exercising %s: %w", url, err)
		}
	}
	exitCode, err := stop(cmd, exited, stopTimeout)
	if err != nil {
		return err
	}
	fmt.Printf("ready_ms=%d exit=%d\n", readyAfter.Milliseconds(), exitCode)
	if exitCode != 0 {
		return fmt.Errorf("process exited %d after SIGTERM", exitCode)
	}
	return nil
}

// waitReady polls until the readiness URL answers 200 and returns how long
// after the spawn that was.
func waitReady(url string, started time.Time, interval, timeout time.Duration,
	exited <-chan error, interrupted <-chan os.Signal) (time.Duration, error) {
	// No keep-alive: each poll is a fresh connection, as a load balancer's check is.
	client := &http.Client{
		Timeout:   time.Second,
		Transport: &http.Transport{DisableKeepAlives: true},
	}
	for {
		if response, err := client.Get(url); err == nil {
			_, _ = io.Copy(io.Discard, response.Body)
			response.Body.Close()
			if response.StatusCode == http.StatusOK {
				return time.Since(started), nil
			}
		}
		select {
		case err := <-exited:
			return 0, fmt.Errorf("process exited before it was ready: %v", err)
		case sig := <-interrupted:
			return 0, fmt.Errorf("interrupted by %v", sig)
		case <-time.After(interval):
		}
		if time.Since(started) > timeout {
			return 0, fmt.Errorf("not ready after %v", timeout)
		}
	}
}

func get(client *http.Client, url string) error {
	response, err := client.Get(url)
	if err != nil {
		return err
	}
	defer response.Body.Close()
	_, _ = io.Copy(io.Discard, response.Body)
	if response.StatusCode >= 500 {
		return fmt.Errorf("status %d", response.StatusCode)
	}
	return nil
}

// stop sends SIGTERM (the JVM then runs its shutdown hooks, which is also
// when -XX:ArchiveClassesAtExit writes its archive) and returns the exit code.
func stop(cmd *exec.Cmd, exited <-chan error, stopTimeout time.Duration) (int, error) {
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return 0, err
	}
	select {
	case err := <-exited:
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			if status, ok := exitErr.Sys().(syscall.WaitStatus); ok && status.Signaled() {
				return 0, fmt.Errorf("process killed by %v instead of exiting after SIGTERM", status.Signal())
			}
			return exitErr.ExitCode(), nil
		}
		return 0, err
	case <-time.After(stopTimeout):
		_ = cmd.Process.Kill()
		return 0, fmt.Errorf("still running %v after SIGTERM, killed", stopTimeout)
	}
}
