// Command ferretdb runs FerretDB v1 with its embedded SQLite backend on a loopback address.
// It exists because `go install` of FerretDB's own command panics without its build-time version file.
package main

import (
	"context"
	"flag"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	addr := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on")
	dir := flag.String("data", "", "directory for the SQLite databases (created if missing)")
	flag.Parse()
	if *dir == "" {
		slog.Error("missing -data directory")
		os.Exit(2)
	}
	abs, err := filepath.Abs(*dir)
	if err != nil {
		slog.Error("bad -data directory", "err", err)
		os.Exit(2)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		slog.Error("cannot create data directory", "err", err)
		os.Exit(1)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *addr},
		Handler:   "sqlite",
		SQLiteURL: "file:" + abs + "/",
		Logger:    logger,
	})
	if err != nil {
		logger.Error("cannot configure ferretdb", "err", err)
		os.Exit(1)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	slog.Warn("ferretdb listening", "addr", *addr, "data", abs)
	if err := f.Run(ctx); err != nil && ctx.Err() == nil {
		logger.Error("ferretdb stopped", "err", err)
		os.Exit(1)
	}
}
