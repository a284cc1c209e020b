package provider

import "github.com/hashicorp/terraform-plugin-testing/compare"

var compareEqual = compare.ValuesSame()
