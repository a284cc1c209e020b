package main

import "os"

// quietSDKLogs turns the plugin SDKs' logs off when Terraform will not show them. Unset, the
// SDK loggers default to TRACE and write a JSON line per attribute and per call, which
// Terraform reads and discards: a quarter of the provider's CPU and most of its garbage in
// the N=200 profile (make bench -profile). TF_LOG or TF_LOG_PROVIDER set by the user, or any
// SDK level set explicitly, keeps everything as the SDKs would have it.
func quietSDKLogs() {
	for _, v := range []string{"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_ENTRATAP", "TF_ACC"} {
		if os.Getenv(v) != "" {
			return
		}
	}
	for _, v := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_ENTRATAP"} {
		_ = os.Setenv(v, "OFF")
	}
}
