package main

import (
	"fmt"
	"os"
	"runtime/pprof"
	"time"
)

// profileCPU writes the provider's CPU profile when DASHENTERPRISE_CPU_PROFILE
// names a file prefix (a developer's aid for the benchmarks; tools/bench
// -profile sets it for one plan). Terraform may end the process without letting main
// return, so the profile is written in chunks of two seconds, <prefix>.1,
// <prefix>.2, …, which `go tool pprof` reads together.
func profileCPU() {
	prefix := os.Getenv("DASHENTERPRISE_CPU_PROFILE")
	if prefix == "" {
		return
	}
	go func() {
		for i := 1; ; i++ {
			f, err := os.Create(fmt.Sprintf("%s.%d", prefix, i))
			if err != nil {
				return
			}
			if err := pprof.StartCPUProfile(f); err != nil {
				_ = f.Close()
				return
			}
			time.Sleep(2 * time.Second)
			pprof.StopCPUProfile()
			_ = f.Close()
		}
	}()
}
