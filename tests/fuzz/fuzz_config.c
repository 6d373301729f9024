// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the configuration parser. Whatever parses must print as
 * text that parses again to the same text (the round-trip property).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *print(const struct kc_conf *conf, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	if (!f)
		abort();
	kc_conf_print(conf, f);
	fclose(f);
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kc_conf *conf, *again;
	FILE *diag = fopen("/dev/null", "w");
	char *a, *b;
	size_t alen, blen;

	if (!diag)
		abort();
	if (kc_conf_parse("fuzz", (const char *)data, size, &conf, diag) == 0) {
		a = print(conf, &alen);
		if (kc_conf_parse("again", a, alen, &again, diag) != 0)
			abort();
		b = print(again, &blen);
		if (alen != blen || memcmp(a, b, alen))
			abort();
		free(a);
		free(b);
		kc_conf_free(again);
		kc_conf_free(conf);
	}
	fclose(diag);
	return 0;
}
