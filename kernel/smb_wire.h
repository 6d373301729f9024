/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SMB wire formats (MS-SMB2 2.2, MS-SMB 2.2.3.1) and the NTSTATUS codes the
 * engine sends. All multi-byte fields are little-endian.
 */
#ifndef KSMBD_SMB_WIRE_H
#define KSMBD_SMB_WIRE_H

#include <linux/types.h>

#define SMB2_PROTO_ID		cpu_to_le32(0x424d53fe)	/* "\xfeSMB" */
#define SMB2_TRANSFORM_ID	cpu_to_le32(0x424d53fd)	/* "\xfdSMB" */
#define SMB2_COMPRESSION_ID	cpu_to_le32(0x424d53fc)	/* "\xfcSMB" */
#define SMB1_PROTO_ID		cpu_to_le32(0x424d53ff)	/* "\xffSMB" */

/*
 * MS-SMB2 2.2.41: SMB2 TRANSFORM_HEADER. The AEAD's associated data is the
 * header from nonce on (32 bytes); signature is the AEAD tag. flags is
 * EncryptionAlgorithm (3.0, 3.0.2) or Flags (3.1.1): 0x0001 either way.
 */
struct smb2_transform_hdr {
	__le32 protocol_id;		/* SMB2_TRANSFORM_ID */
	u8 signature[16];
	u8 nonce[16];
	__le32 original_message_size;
	__le16 reserved;
	__le16 flags;
	__le64 session_id;
} __packed;

#define SMB2_TRANSFORM_FLAG_ENCRYPTED	0x0001
#define SMB2_TRANSFORM_AAD_OFFSET	20	/* offsetof(..., nonce) */

enum smb2_command {
	SMB2_NEGOTIATE,
	SMB2_SESSION_SETUP,
	SMB2_LOGOFF,
	SMB2_TREE_CONNECT,
	SMB2_TREE_DISCONNECT,
	SMB2_CREATE,
	SMB2_CLOSE,
	SMB2_FLUSH,
	SMB2_READ,
	SMB2_WRITE,
	SMB2_LOCK,
	SMB2_IOCTL,
	SMB2_CANCEL,
	SMB2_ECHO,
	SMB2_QUERY_DIRECTORY,
	SMB2_CHANGE_NOTIFY,
	SMB2_QUERY_INFO,
	SMB2_SET_INFO,
	SMB2_OPLOCK_BREAK,
	SMB2_NR_COMMANDS
};

#define SMB2_FLAGS_SERVER_TO_REDIR	cpu_to_le32(0x00000001)
#define SMB2_FLAGS_ASYNC_COMMAND	cpu_to_le32(0x00000002)
/* Payload bytes one credit pays for (MS-SMB2 3.3.5.2.5). */
#define SMB2_CREDIT_PAYLOAD		65536
#define SMB2_FLAGS_RELATED_OPERATIONS	cpu_to_le32(0x00000004)
#define SMB2_FLAGS_SIGNED		cpu_to_le32(0x00000008)

#define SMB2_HEADER_STRUCTURE_SIZE	64

/* MS-SMB2 2.2.1.2 (sync form; the async form overlays ProcessId/TreeId). */
struct smb2_hdr {
	__le32 protocol_id;
	__le16 structure_size;
	__le16 credit_charge;
	__le32 status;
	__le16 command;
	__le16 credit_request;	/* CreditResponse in responses */
	__le32 flags;
	__le32 next_command;
	__le64 message_id;
	__le32 process_id;
	__le32 tree_id;
	__le64 session_id;
	u8 signature[16];
} __packed;

/* MS-SMB2 2.2.2: the body of every error response. */
struct smb2_err_rsp {
	__le16 structure_size;	/* 9 */
	u8 error_context_count;
	u8 reserved;
	__le32 byte_count;
	u8 error_data[1];
} __packed;

#define SMB2_NEGOTIATE_SIGNING_ENABLED	0x0001
#define SMB2_NEGOTIATE_SIGNING_REQUIRED	0x0002

#define SMB2_GLOBAL_CAP_DFS		0x00000001
#define SMB2_GLOBAL_CAP_LEASING		0x00000002
#define SMB2_GLOBAL_CAP_LARGE_MTU	0x00000004
#define SMB2_GLOBAL_CAP_MULTI_CHANNEL	0x00000008
#define SMB2_GLOBAL_CAP_PERSISTENT_HANDLES 0x00000010
#define SMB2_GLOBAL_CAP_DIRECTORY_LEASING 0x00000020
#define SMB2_GLOBAL_CAP_ENCRYPTION	0x00000040

#define SMB2_DIALECT_0202		0x0202
#define SMB2_DIALECT_0210		0x0210
#define SMB2_DIALECT_0300		0x0300
#define SMB2_DIALECT_0302		0x0302
#define SMB2_DIALECT_0311		0x0311
#define SMB2_DIALECT_WILDCARD		0x02ff

/* MS-SMB2 2.2.3 */
struct smb2_negotiate_req {
	__le16 structure_size;	/* 36 */
	__le16 dialect_count;
	__le16 security_mode;
	__le16 reserved;
	__le32 capabilities;
	u8 client_guid[16];
	__le32 neg_ctx_offset;	/* 3.1.1; else ClientStartTime */
	__le16 neg_ctx_count;
	__le16 reserved2;
	__le16 dialects[];
} __packed;

/* MS-SMB2 2.2.4 */
struct smb2_negotiate_rsp {
	__le16 structure_size;	/* 65 */
	__le16 security_mode;
	__le16 dialect;
	__le16 neg_ctx_count;
	u8 server_guid[16];
	__le32 capabilities;
	__le32 max_transact_size;
	__le32 max_read_size;
	__le32 max_write_size;
	__le64 system_time;
	__le64 server_start_time;
	__le16 security_buffer_offset;
	__le16 security_buffer_length;
	__le32 neg_ctx_offset;
	u8 buffer[];
} __packed;

/* MS-SMB2 2.2.3.1 */
struct smb2_neg_ctx {
	__le16 type;
	__le16 data_length;
	__le32 reserved;
	u8 data[];
} __packed;

#define SMB2_PREAUTH_INTEGRITY_CAPABILITIES	1
#define SMB2_ENCRYPTION_CAPABILITIES		2
#define SMB2_COMPRESSION_CAPABILITIES		3
#define SMB2_NETNAME_NEGOTIATE_CONTEXT_ID	5
#define SMB2_TRANSPORT_CAPABILITIES		6
#define SMB2_RDMA_TRANSFORM_CAPABILITIES	7
#define SMB2_SIGNING_CAPABILITIES		8

#define SMB2_PREAUTH_INTEGRITY_SHA512		1
#define SMB2_PREAUTH_SALT_SIZE			32

#define SMB2_SIGNING_HMAC_SHA256		0
#define SMB2_SIGNING_AES_CMAC			1
#define SMB2_SIGNING_AES_GMAC			2

/* MS-SMB2 2.2.5 */
struct smb2_sess_setup_req {
	__le16 structure_size;	/* 25 */
	u8 flags;
	u8 security_mode;
	__le32 capabilities;
	__le32 channel;
	__le16 security_buffer_offset;
	__le16 security_buffer_length;
	__le64 previous_session_id;
	u8 buffer[];
} __packed;

#define SMB2_SESSION_FLAG_BINDING	0x01

/* MS-SMB2 2.2.6 */
struct smb2_sess_setup_rsp {
	__le16 structure_size;	/* 9 */
	__le16 session_flags;
	__le16 security_buffer_offset;
	__le16 security_buffer_length;
	u8 buffer[];
} __packed;

#define SMB2_SESSION_FLAG_IS_GUEST	0x0001
#define SMB2_SESSION_FLAG_IS_NULL	0x0002
#define SMB2_SESSION_FLAG_ENCRYPT_DATA	0x0004

/* MS-SMB2 2.2.7 and 2.2.8 */
struct smb2_logoff {
	__le16 structure_size;	/* 4 */
	__le16 reserved;
} __packed;

/* MS-SMB2 2.2.9 */
struct smb2_tree_connect_req {
	__le16 structure_size;	/* 9 */
	__le16 flags;
	__le16 path_offset;
	__le16 path_length;
	u8 buffer[];
} __packed;

#define SMB2_TREE_CONNECT_FLAG_EXTENSION_PRESENT 0x0004

/* MS-SMB2 2.2.10 */
struct smb2_tree_connect_rsp {
	__le16 structure_size;	/* 16 */
	u8 share_type;
	u8 reserved;
	__le32 share_flags;
	__le32 capabilities;
	__le32 maximal_access;
} __packed;

#define SMB2_SHARE_CAP_CONTINUOUS_AVAILABILITY	0x00000010
#define SMB2_SHARE_TYPE_DISK		0x01
#define SMB2_SHARE_TYPE_PIPE		0x02
#define SMB2_SHAREFLAG_NO_CACHING	0x00000030
#define SMB2_SHAREFLAG_ACCESS_BASED_DIRECTORY_ENUM	0x00000800
#define SMB2_SHAREFLAG_ENCRYPT_DATA	0x00008000

/* MS-SMB2 2.2.13.1.1 access masks */
#define FILE_ALL_ACCESS			0x001f01ff
#define FILE_GENERIC_READ_EXECUTE	0x001200a9

/* MS-SMB2 2.2.13 */
struct smb2_create_req {
	__le16 structure_size;	/* 57 */
	u8 security_flags;
	u8 requested_oplock_level;
	__le32 impersonation_level;
	__le64 smb_create_flags;
	__le64 reserved;
	__le32 desired_access;
	__le32 file_attributes;
	__le32 share_access;
	__le32 create_disposition;
	__le32 create_options;
	__le16 name_offset;
	__le16 name_length;
	__le32 create_contexts_offset;
	__le32 create_contexts_length;
	u8 buffer[];
} __packed;

/* MS-SMB2 2.2.14 */
struct smb2_create_rsp {
	__le16 structure_size;	/* 89 */
	u8 oplock_level;
	u8 flags;
	__le32 create_action;
	__le64 creation_time;
	__le64 last_access_time;
	__le64 last_write_time;
	__le64 change_time;
	__le64 allocation_size;
	__le64 end_of_file;
	__le32 file_attributes;
	__le32 reserved2;
	__le64 persistent_id;
	__le64 volatile_id;
	__le32 create_contexts_offset;
	__le32 create_contexts_length;
	u8 buffer[];
} __packed;

/* CreateAction */
#define FILE_SUPERSEDED			0x00000000
#define FILE_OPENED			0x00000001
#define FILE_CREATED			0x00000002
#define FILE_OVERWRITTEN		0x00000003

/* CreateDisposition */
#define FILE_SUPERSEDE			0x00000000
#define FILE_OPEN			0x00000001
#define FILE_CREATE			0x00000002
#define FILE_OPEN_IF			0x00000003
#define FILE_OVERWRITE			0x00000004
#define FILE_OVERWRITE_IF		0x00000005

/* CreateOptions */
#define FILE_DIRECTORY_FILE		0x00000001
#define FILE_NON_DIRECTORY_FILE		0x00000040

/* Access mask bits (MS-SMB2 2.2.13.1) */
#define FILE_READ_DATA			0x00000001
#define FILE_WRITE_DATA			0x00000002
#define FILE_APPEND_DATA		0x00000004
#define FILE_EXECUTE			0x00000020
#define MAXIMUM_ALLOWED			0x02000000
#define GENERIC_ALL			0x10000000
#define GENERIC_EXECUTE			0x20000000
#define GENERIC_WRITE			0x40000000
#define GENERIC_READ			0x80000000

/* File attributes (MS-FSCC 2.6) */
#define FILE_ATTRIBUTE_READONLY		0x00000001
#define FILE_ATTRIBUTE_DIRECTORY	0x00000010
#define FILE_ATTRIBUTE_ARCHIVE		0x00000020
#define FILE_ATTRIBUTE_NORMAL		0x00000080

#define SMB2_CLOSE_FLAG_POSTQUERY_ATTRIB 0x0001

/* MS-SMB2 2.2.15 */
struct smb2_close_req {
	__le16 structure_size;	/* 24 */
	__le16 flags;
	__le32 reserved;
	__le64 persistent_id;
	__le64 volatile_id;
} __packed;

/* MS-SMB2 2.2.16 */
struct smb2_close_rsp {
	__le16 structure_size;	/* 60 */
	__le16 flags;
	__le32 reserved;
	__le64 creation_time;
	__le64 last_access_time;
	__le64 last_write_time;
	__le64 change_time;
	__le64 allocation_size;
	__le64 end_of_file;
	__le32 file_attributes;
} __packed;

/* MS-SMB2 2.2.19 */
struct smb2_read_req {
	__le16 structure_size;	/* 49 */
	u8 padding;
	u8 flags;
	__le32 length;
	__le64 offset;
	__le64 persistent_id;
	__le64 volatile_id;
	__le32 minimum_count;
	__le32 channel;
	__le32 remaining_bytes;
	__le16 read_channel_info_offset;
	__le16 read_channel_info_length;
	u8 buffer[];
} __packed;

/* MS-SMB2 2.2.20 */
struct smb2_read_rsp {
	__le16 structure_size;	/* 17 */
	u8 data_offset;
	u8 reserved;
	__le32 data_length;
	__le32 data_remaining;
	__le32 reserved2;
	u8 buffer[];
} __packed;

/* MS-SMB2 2.2.21 */
struct smb2_write_req {
	__le16 structure_size;	/* 49 */
	__le16 data_offset;
	__le32 length;
	__le64 offset;
	__le64 persistent_id;
	__le64 volatile_id;
	__le32 channel;
	__le32 remaining_bytes;
	__le16 write_channel_info_offset;
	__le16 write_channel_info_length;
	__le32 flags;
	u8 buffer[];
} __packed;

/* MS-SMB2 2.2.22 */
struct smb2_write_rsp {
	__le16 structure_size;	/* 17 */
	__le16 reserved;
	__le32 count;
	__le32 remaining;
	__le16 write_channel_info_offset;
	__le16 write_channel_info_length;
} __packed;

/* MS-SMB2 2.2.31 and 2.2.32 share this layout. */
struct smb2_ioctl {
	__le16 structure_size;	/* 57 request, 49 response */
	__le16 reserved;
	__le32 ctl_code;
	__le64 persistent_id;
	__le64 volatile_id;
	__le32 input_offset;
	__le32 input_count;
	__le32 max_input_response;	/* response: OutputOffset */
	__le32 output_offset;		/* response: OutputCount */
	__le32 output_count;		/* response: Flags */
	__le32 max_output_response;	/* response: Reserved2 */
	__le32 flags;
	__le32 reserved2;
	u8 buffer[];
} __packed;

#define SMB2_0_IOCTL_IS_FSCTL		0x00000001
#define FSCTL_PIPE_TRANSCEIVE		0x0011c017
#define FSCTL_VALIDATE_NEGOTIATE_INFO	0x00140204
#define FSCTL_GET_OBJECT_ID		0x0009009c
#define FSCTL_CREATE_OR_GET_OBJECT_ID	0x000900c0
#define FSCTL_QUERY_NETWORK_INTERFACE_INFO	0x001401fc

/* MS-SMB2 2.2.31.4: FSCTL_VALIDATE_NEGOTIATE_INFO input; 2.2.32.6: its output. */
struct validate_negotiate_info_req {
	__le32 capabilities;
	u8 guid[16];
	__le16 security_mode;
	__le16 dialect_count;
	__le16 dialects[];
} __packed;

struct validate_negotiate_info_rsp {
	__le32 capabilities;
	u8 guid[16];
	__le16 security_mode;
	__le16 dialect;
} __packed;

/* MS-SMB2 2.2.37 */
struct smb2_query_info_req {
	__le16 structure_size;	/* 41 */
	u8 info_type;
	u8 file_info_class;
	__le32 output_buffer_length;
	__le16 input_buffer_offset;
	__le16 reserved;
	__le32 input_buffer_length;
	__le32 additional_information;
	__le32 flags;
	__le64 persistent_id;
	__le64 volatile_id;
	u8 buffer[];
} __packed;

/* MS-SMB2 2.2.38 */
struct smb2_query_info_rsp {
	__le16 structure_size;	/* 9 */
	__le16 output_buffer_offset;
	__le32 output_buffer_length;
	u8 buffer[];
} __packed;

#define SMB2_0_INFO_FILE		0x01
#define SMB2_0_INFO_FILESYSTEM		0x02

/* FsInformationClass values (MS-FSCC 2.5) */
#define FILE_FS_VOLUME_INFORMATION	1
#define FILE_FS_SIZE_INFORMATION	3
#define FILE_FS_DEVICE_INFORMATION	4
#define FILE_FS_ATTRIBUTE_INFORMATION	5
#define FILE_FS_FULL_SIZE_INFORMATION	7

/* MS-SMB2 2.2.33 */
struct smb2_query_dir_req {
	__le16 structure_size;	/* 33 */
	u8 file_information_class;
	u8 flags;
	__le32 file_index;
	__le64 persistent_id;
	__le64 volatile_id;
	__le16 file_name_offset;
	__le16 file_name_length;
	__le32 output_buffer_length;
	u8 buffer[];
} __packed;

#define SMB2_RESTART_SCANS		0x01
#define SMB2_RETURN_SINGLE_ENTRY	0x02
#define SMB2_REOPEN			0x10

#define FILE_DIRECTORY_INFORMATION	1
#define FILE_FULL_DIRECTORY_INFORMATION	2
#define FILE_BOTH_DIRECTORY_INFORMATION	3
#define FILE_NAMES_INFORMATION		12
#define FILE_ID_BOTH_DIRECTORY_INFORMATION 37
#define FILE_ID_FULL_DIRECTORY_INFORMATION 38

/* FileInformationClass values (MS-FSCC 2.4) */
#define FILE_BASIC_INFORMATION		4
#define FILE_STANDARD_INFORMATION	5
#define FILE_INTERNAL_INFORMATION	6
#define FILE_EA_INFORMATION		7
#define FILE_ACCESS_INFORMATION		8
#define FILE_POSITION_INFORMATION	14
#define FILE_MODE_INFORMATION		16
#define FILE_ALIGNMENT_INFORMATION	17
#define FILE_ALL_INFORMATION		18
#define FILE_NETWORK_OPEN_INFORMATION	34
#define FILE_ATTRIBUTE_TAG_INFORMATION	35

/* MS-SMB2 2.2.39 */
struct smb2_set_info_req {
	__le16 structure_size;	/* 33 */
	u8 info_type;
	u8 file_info_class;
	__le32 buffer_length;
	__le16 buffer_offset;
	__le16 reserved;
	__le32 additional_information;
	__le64 persistent_id;
	__le64 volatile_id;
	u8 buffer[];
} __packed;

/* MS-SMB2 2.2.40 */
struct smb2_set_info_rsp {
	__le16 structure_size;	/* 2 */
} __packed;

/* MS-SMB2 2.2.17 */
struct smb2_flush_req {
	__le16 structure_size;	/* 24 */
	__le16 reserved1;
	__le32 reserved2;
	__le64 persistent_id;
	__le64 volatile_id;
} __packed;

/* MS-SMB2 2.2.18 */
struct smb2_flush_rsp {
	__le16 structure_size;	/* 4 */
	__le16 reserved;
} __packed;

#define FILE_FS_CONTROL_INFORMATION	6
#define FILE_FS_SECTOR_SIZE_INFORMATION	11
#define FILE_FS_OBJECT_ID_INFORMATION	8
#define SMB2_0_INFO_SECURITY		0x03
#define SMB2_0_INFO_QUOTA		0x04

/* More FileInformationClass values (MS-FSCC 2.4) */
#define FILE_NAME_INFORMATION		9
#define FILE_NORMALIZED_NAME_INFORMATION 48
#define FILE_RENAME_INFORMATION		10
#define FILE_LINK_INFORMATION		11
#define FILE_DISPOSITION_INFORMATION	13
#define FILE_FULL_EA_INFORMATION	15
#define FILE_ALLOCATION_INFORMATION	19
#define FILE_END_OF_FILE_INFORMATION	20
#define FILE_ALTERNATE_NAME_INFORMATION	21
#define FILE_COMPRESSION_INFORMATION	28
#define FILE_STREAM_INFORMATION		22
#define FILE_PIPE_INFORMATION		23
#define FILE_OBJECT_ID_INFORMATION	29
#define FILE_MOVE_CLUSTER_INFORMATION	31
#define FILE_QUOTA_INFORMATION		32
#define FILE_TRACKING_INFORMATION	36
#define FILE_VALID_DATA_LENGTH_INFORMATION 39
#define FILE_SHORT_NAME_INFORMATION	40
#define FILE_SFIO_RESERVE_INFORMATION	44
#define FILE_DISPOSITION_INFORMATION_EX	64
#define FILE_RENAME_INFORMATION_EX	65

/* FileModeInformation and CreateOptions flags (MS-FSCC 2.4.26, MS-SMB2 2.2.13) */
#define FILE_WRITE_THROUGH		0x00000002
#define FILE_SEQUENTIAL_ONLY		0x00000004
#define FILE_NO_INTERMEDIATE_BUFFERING	0x00000008
#define FILE_SYNCHRONOUS_IO_ALERT	0x00000010
#define FILE_SYNCHRONOUS_IO_NONALERT	0x00000020
#define FILE_DELETE_ON_CLOSE		0x00001000

/* More access mask bits (MS-SMB2 2.2.13.1.1) */
#define FILE_READ_EA			0x00000008
#define FILE_WRITE_EA			0x00000010
#define FILE_DELETE_CHILD		0x00000040
#define FILE_READ_ATTRIBUTES		0x00000080
#define FILE_WRITE_ATTRIBUTES		0x00000100
#define DELETE				0x00010000
#define READ_CONTROL			0x00020000
#define WRITE_DAC			0x00040000
#define WRITE_OWNER			0x00080000
#define SYNCHRONIZE			0x00100000
#define FILE_GENERIC_READ		0x00120089
#define FILE_GENERIC_WRITE		0x00120116
#define FILE_GENERIC_EXECUTE		0x001200a0

/* More file attributes (MS-FSCC 2.6) */
#define FILE_ATTRIBUTE_HIDDEN		0x00000002
#define FILE_ATTRIBUTE_SYSTEM		0x00000004
#define FILE_ATTRIBUTE_TEMPORARY	0x00000100

/* MS-SMB 2.2.3.1: the SMB1 header. */
struct smb1_hdr {
	__le32 protocol_id;
	u8 command;
	__le32 status;
	u8 flags;
	__le16 flags2;
	__le16 pid_high;
	u8 security_features[8];
	__le16 reserved;
	__le16 tid;
	__le16 pid_low;
	__le16 uid;
	__le16 mid;
} __packed;

#define SMB1_COM_NEGOTIATE		0x72
#define SMB1_FLAGS_REPLY		0x80
#define SMB1_FLAGS2_NT_STATUS		cpu_to_le16(0x4000)
#define SMB1_FLAGS2_UNICODE		cpu_to_le16(0x8000)
#define SMB1_FLAGS2_LONG_NAMES		cpu_to_le16(0x0001)

/* NTSTATUS values (MS-ERREF 2.3.1). */
#define STATUS_SUCCESS			cpu_to_le32(0x00000000)
#define STATUS_PENDING			cpu_to_le32(0x00000103)
#define STATUS_CANCELLED		cpu_to_le32(0xc0000120)
#define STATUS_INVALID_DEVICE_STATE	cpu_to_le32(0xc0000184)
#define STATUS_INVALID_OPLOCK_PROTOCOL	cpu_to_le32(0xc00000e3)
#define STATUS_INVALID_PARAMETER	cpu_to_le32(0xc000000d)
#define STATUS_INSUFFICIENT_RESOURCES	cpu_to_le32(0xc000009a)
#define STATUS_NOT_SUPPORTED		cpu_to_le32(0xc00000bb)
#define STATUS_NO_PREAUTH_INTEGRITY_HASH_OVERLAP cpu_to_le32(0xc05d0000)
#define STATUS_USER_SESSION_DELETED	cpu_to_le32(0xc0000203)
#define STATUS_MORE_PROCESSING_REQUIRED	cpu_to_le32(0xc0000016)
#define STATUS_ACCESS_DENIED		cpu_to_le32(0xc0000022)
#define STATUS_LOGON_FAILURE		cpu_to_le32(0xc000006d)
#define STATUS_NO_LOGON_SERVERS		cpu_to_le32(0xc000005e)
#define STATUS_UNSUCCESSFUL		cpu_to_le32(0xc0000001)
#define STATUS_REQUEST_NOT_ACCEPTED	cpu_to_le32(0xc00000d0)
#define STATUS_REQUEST_OUT_OF_SEQUENCE	cpu_to_le32(0xc000042a)
#define STATUS_BAD_NETWORK_NAME		cpu_to_le32(0xc00000cc)
#define STATUS_NETWORK_NAME_DELETED	cpu_to_le32(0xc00000c9)
#define STATUS_INTERNAL_ERROR		cpu_to_le32(0xc00000e5)
#define STATUS_FILE_CLOSED		cpu_to_le32(0xc0000128)
#define STATUS_BUFFER_OVERFLOW		cpu_to_le32(0x80000005)
#define STATUS_OBJECT_NAME_NOT_FOUND	cpu_to_le32(0xc0000034)
#define STATUS_INVALID_DEVICE_REQUEST	cpu_to_le32(0xc0000010)
#define STATUS_PIPE_BROKEN		cpu_to_le32(0xc000014b)
#define STATUS_END_OF_FILE		cpu_to_le32(0xc0000011)
#define STATUS_NO_MORE_FILES		cpu_to_le32(0x80000006)
#define STATUS_NO_SUCH_FILE		cpu_to_le32(0xc000000f)
#define STATUS_INFO_LENGTH_MISMATCH	cpu_to_le32(0xc0000004)
#define STATUS_BUFFER_TOO_SMALL		cpu_to_le32(0xc0000023)
#define STATUS_INVALID_INFO_CLASS	cpu_to_le32(0xc0000003)
#define STATUS_OBJECT_NAME_INVALID	cpu_to_le32(0xc0000033)
#define STATUS_OBJECT_PATH_SYNTAX_BAD	cpu_to_le32(0xc000003b)
#define STATUS_OBJECT_NAME_COLLISION	cpu_to_le32(0xc0000035)
#define STATUS_OBJECT_PATH_NOT_FOUND	cpu_to_le32(0xc000003a)
#define STATUS_DISK_FULL		cpu_to_le32(0xc000007f)
#define STATUS_MEDIA_WRITE_PROTECTED	cpu_to_le32(0xc00000a2)
#define STATUS_FILE_IS_A_DIRECTORY	cpu_to_le32(0xc00000ba)
#define STATUS_NOT_A_DIRECTORY		cpu_to_le32(0xc0000103)
#define STATUS_DIRECTORY_NOT_EMPTY	cpu_to_le32(0xc0000101)
#define STATUS_DELETE_PENDING		cpu_to_le32(0xc0000056)
#define STATUS_CANNOT_DELETE		cpu_to_le32(0xc0000121)
#define STATUS_BAD_IMPERSONATION_LEVEL	cpu_to_le32(0xc00000a5)
#define STATUS_NO_EAS_ON_FILE		cpu_to_le32(0xc0000052)
#define STATUS_NOT_SAME_DEVICE		cpu_to_le32(0xc00000d4)
#define STATUS_FILE_RENAMED		cpu_to_le32(0xc00000d5)

#endif
