/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KSMBD_CRYPTO_KAT_H
#define KSMBD_CRYPTO_KAT_H

/* Known-answer tests of the crypto backend; 0 or -EINVAL with the failure logged. */
int ksmbd_crypto_selftest(void);

#endif
