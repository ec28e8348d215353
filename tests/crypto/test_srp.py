"""Cognito SRP: the group, PAD, the stored verifier, and the server's side of sections 4.2-4.3.

The vectors are those of srp_spec.md section 10 (srp_vectors.json), whose values were checked
against pycognito, amazon-cognito-identity-js and Amplify v6. Hex is lowercase and unpadded.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable

import gmpy2
import pytest

from cognitio.crypto import srp

# srp_vectors.json, one entry per vector; the comment lists what the vector exercises.
VECTORS: list[dict[str, str]] = [
    {
        # 0x00 sign byte in PAD(B), PAD(u)
        "name": "alice",
        "kind": "user",
        "pool_id": "us-east-1_AbCdEf123",
        "pool_suffix": "AbCdEf123",
        "user_id_for_srp": "alice",
        "password": "Corr3ct-Horse!",
        "salt": "239bae2f048c3c9b4c2f8a9f42d0ec75",
        "pad_salt": "239bae2f048c3c9b4c2f8a9f42d0ec75",
        "x": "2fdce9060a2a6218e06dad3683b8c2565fc7b11e132368614e67009a98e5e2b4",
        "v": (
            "996aa263d0705ac1012bc7cdba0f6bd1440c7cf3b77ed0707c8c27c8c35f14ec48e75b378b1fa158c21abfd8"
            "cd83011d75f54f0287b566ff64e8bd94dc9d4ed7652cc8ba37c6aae5bd7737c93fd5f822c0cd94969a121318"
            "e4a7feebbd2e665171ccfdd4d2364cbf7d5bc2abb786358cedd440edc838ae789db945ce289b9ce50821b082"
            "78a5bd50284e28c89483ae83ae3ad514cfddde69c4c203394f4b7959282080e7ace24e7a44b8f7c9f8f0c53d"
            "c18262a0cb853cbd029420860189b2291c96cbf3b6f72b5190f814f66ebcf2d4217edee2a7bc2e299966f35b"
            "568583021b147af1b119be6054075c08e02fcf1d243bccf2ac15acba3f60764f5352ac8bcd4492e6131cfbd6"
            "ddccece1d77aa19e97853e0b0d90fdef7f4c51a4817ccf3abd318ee869ed75841e60841d24446eb86f751f5b"
            "2c379c22b858db2cfe4bdb6f7cdb5b690973818735b511c4436d1826ca032ec1fe69ed1b94e8c0b5b61f0dcc"
            "15a1f90deddf8cb20e7e9ff9229adcd6e48d11b181a9ff67a9b7fc6f27d56279"
        ),
        "a": (
            "f25cf82f42d680e3f731441ff502c10d26b1e24e0fe0d88bfb02965af39a66c7446ddccbb24642564b1acfc1"
            "983567c3a2257ab22b68baaba00ae2b3f9ec862d65df495914cb35c972d9c32e0422f55c092ef02437f77fb3"
            "060e62ae508143288eec3859873b1dde132c7e46b428b5822365055d16df402d075b723573ab64bf"
        ),
        "A": (
            "1802234986b1afab4b940149fb967266315667a917a3b94bdc73bd40c53a108c108c4c72d86b1ffa07f74842"
            "5b759505a7edcaaec431f0b21084ad604b2bff657c8ca7d8ba2ec660b1a11bb77130a69eb17ad33ccc2ee5cf"
            "1bba0e35d4a5a60de8297b50b38f4744a36006835dcfc200361211231c40e680542720450b1385f7fc329f3c"
            "8cdacc497c3a5716ef1e78b700395023ed46ec3c6ae69b47521e75776c8f14fb5baac5bb6bbd6ba127449d08"
            "09d5258626e17d1eb7d33151b88fb5759bafd0db825f0ccc91c664bfa460e0845195cdabe89994ab76ffbbe2"
            "c23098ebab3ee26e61f42d8df40d6e4c581a1235359390cc46f453f033d05c575293bad5553f1f434d5a9b49"
            "e67286aa934ee2baeebc68499eeeb7ca55721cc4f0b94a8c47f0d219dcd8641dae0d6733332a6136948304b1"
            "ce118821b392adf363db1a97a32028b9ad07aa474af622e7f4bbc0c013002870d394dcaa84af14a9426f8f29"
            "2983a29d4fb1a2dc166796ed5fe2992ad888ea6e05bd62d2bbc71325ffbc3fd1"
        ),
        "b": (
            "97f33b0523c68eb43cbd0f789f8b98055c1bdee85cc9b0a1ed28d4d2494b78d6436ff31be6a3d13235eeecab"
            "fea0c0e1124316ffd783d7597ef5cb6008ea83c302090fdeb07d7b8f6cbd37bcb56b18a2fa1eba98385ea0dd"
            "f200edd07443ff47a16a2b797e742e9b67e6f03c62040475cd54e683595b0b75a984434a79d04094"
        ),
        "B": (
            "f5a5dd7ca5ac501515d1d5cffaf2d814b83d4775055faac62051cfa98f5e270de259fb13f63392a9c7a9632c"
            "899421bb60c1932d7dcb1e0292c8012d2c67b567256afc10baa6953001bab35f622b2b50d743548b0ec2446f"
            "6c2aec2ed97fe97db4715b22e5dc61657b82cb992f87bc68d546a0a180a00a4d5b02258feb8bb255067841cb"
            "33a80873b45a6cee0b454cf824a38e9bc443a1a1642307bf9133da07d10897422674072a3162afd3624ed0a9"
            "9c1db39cd515dd81b95ab3cb3abf15cbd80326eff9fc9562683b8f804d0c0418832a13f76836fdfaa591c280"
            "8c6118fcbde3f1f3337e06642cd678fe559a33721126ca31d0b0dc63383af1b6f3736d568737a9f565395cd0"
            "1937ec1d614ef66cd2c811840c1ad6be38f0ef43408698ed61d2740174d43ed4de5457e00fd056471847a26d"
            "84b509b3b78a360873911a90233da98559bccb6816788adee23179353249f2a9e21fb89d9b0658b698757691"
            "f2b51599f5caec4decaf99c95a5fa0cf119596bfd46c5dd2a1dba28548ae7e9b"
        ),
        "u": "f2c84cd91f75eb874c7ed31a75a46501c2b1a9a5dfb58b3164b1e4d60c177c85",
        "S": (
            "716a18c5ff0a31b2bf14035eea1f134207e37d396269e88cfa3987393a1e01073f6da5c37a70e8dccdbbda5d"
            "3c1505cb14219310b2faf67a44ee1170f80dee56681a0e9a51011e26785b33af566eb11f5dd14503a567b6e8"
            "0dcfed11437b4cbcbdef654a0746c69af6f77a56b0585545a83f1ea5c288dc67a32390b20a3ef2160a1ef5b5"
            "327483b2f4ffaebfcba950fce872f23e54fce0140df28436098982484c923779ae5881afb89fc647bd80bd68"
            "cdc628daf3e06ae4a40cb2383ad01ee5c2d5e788f490d85315ba89992a7e2ee05b1405f1bb164d9b8f1f64c4"
            "4606cf262499b2b19a1982e225e54da45db6423958f4bf9e9ebcf16d4b3a9c951418edc55d1212fc3bd43229"
            "37619a59f754ac7059d9944c304761eabc331c57449e0fe6ca246c158aca26daf81904cec753f23598cbb1a2"
            "ea59ae23001be0f5f476686fab6cd6e3291958c27f2618d81a4ceed3824161b473e2dc110f50d9ec2f0cdb0f"
            "503a37f86485997320bd6d7ebf707a80438f018f7f79d7b033c718ee64e792d1"
        ),
        "K": "5cd082d745b9ceab3ab705d831607eac",
        "secret_block": "u6SC1ZQ9MP3TD8I8kdDW3dvngl5fIz2e0QLg4JrZz6IkXJ1GUgVFo4BZTxiK81ph",
        "timestamp": "Tue Jan 2 03:04:05 UTC 2024",
        "signature": "Mg7qkcoIpOUPLORV7V7EjfzFstR3625/m0SyJKpyBBQ=",
    },
    {
        # 0x00 sign byte in PAD(salt), PAD(A), PAD(B), PAD(u)
        "name": "alice_salt_top_bit",
        "kind": "user",
        "pool_id": "us-east-1_AbCdEf123",
        "pool_suffix": "AbCdEf123",
        "user_id_for_srp": "alice",
        "password": "Corr3ct-Horse!",
        "salt": "e1b5b3c976a5353621ec1ec860ca190a",
        "pad_salt": "00e1b5b3c976a5353621ec1ec860ca190a",
        "x": "63050f77f631244f20471725db89c9cb2c835fcc5bdc900f15173713438d3804",
        "v": (
            "f75fb60fae28cd9da52b77cb738e7a1f991604432bc77ae58ef730cbc50b0d98282b61a870bdd43d50ea77eb"
            "673790f7c26e356be75ef295a836669e2d2cee8dd58867c32684da3758729a29bf9df485fd66c96f7883fe92"
            "d2aa7fe4b9959e1aa66c7cdb3690ad3f58ac34216716b62c69a7b7639a3ae6b3e84691e6b6e85e39a664d1bd"
            "d54c60a2fdd5eac91866140babde24eee9343a0bb743557ce66254de3b6890b21eae10394f6d13ef6ed73024"
            "147bc0195ae86f23b01e54265293e985b8c0243cc45c946eb2be0aee99580f9e4cda9d4f8b9081fdf357b132"
            "69b2d1da685c03a845ea9e3f21b92303b875778c017d5e750e58cf5bc727ff7ae897dec2be4ddce83e1d70d7"
            "dc725d482c0540abc2797660b95b0f79d20659e35eb25f59bc90c224bad1e1df320500a50ac852d97bc2e00d"
            "bae8ffcb4df3c56c8f58f8e5f2df7169fa8f1ae04c7962e2900c11b47337c7dad9ac3595d05c8ba939e7e2f7"
            "994737dc50bb2f032032b330035496f0ebb809a1cd0787c8be39c8acaee45f44"
        ),
        "a": (
            "5fe43e24c78c91633d55e40995a2fa3763aa7ffefd2a5ce1c74a9e21958fbdef542a29555bf128120ebc9dae"
            "f65ae792d3504b5204f1a8144413da497825c074fe76ce5404c9a38b8ceb70fbbbfbc7913b5dda4e56f17084"
            "80862d5f487be26d1565947f5853977c4b0f6205617f1cb97599b5bd12a1472361cf55d4694314ab"
        ),
        "A": (
            "ac0e00dd1d0faaf57a526a2dd33115d3733ff975034fffc570b6b11be43ae4250311fe4dbc70672dccf14b7a"
            "2bc0a089e46bb44929f01be1cf5d85070e39910480137b15a4f372a2b5db9b40cf18f4aba895e9e5ecfb77fd"
            "08e4c7022a237b5cb7d76e330aad303331189ef3ada03883f87182a47487c61c036daf841781031df2115dc5"
            "947e312ef16330b4bbeb9907e80a1dc9f98ad849d57d43dea0f59185c2cc50c4b457c42efc9acb8dace1dfcb"
            "844088872b46db56d35a54c6d97b8971261630d8c640eb36077d1ff583911229959f870ff6dce4760a407b62"
            "8294b54a600fcd64007aa335aa2343ff220562fe2b4d1f08e87d519229b4d62804b08198d837e7e897b25b73"
            "65b569ea9627e3976e9f5dce979f0b8ad7f78f8b5c126f5b62036325854b9ebc2cc790fdaf6d31e62ae99709"
            "d2e6c180f247485862d0f3e87e7ea570c2b6b36f10fe25b0d632acf257de9f4825ea9f20c67f4bdb7d04a206"
            "d3551dfc67095fd86f64fc2997c33d8a56df524d34f70c8fa9de5a09b9a57c4f"
        ),
        "b": (
            "582648b46351cae42145cb10c289daf2b50d2f6b78a73a7a55164a390fda023aafe4b0de319894c7293ba7bc"
            "81f1e605b28a6e2dc93a874b384978b8dfcb7c7a643fdb7c54fe795a78efe26ab60b54b481b99806c5b973ac"
            "c77e462e64f4434dda6a917c02e885227ab5aab6b8395d30e71d422fcbaee7315ac619f454cee939"
        ),
        "B": (
            "ea8f655c9c27aeeea941931b5622fb8d734851dbb55db827464b7bea346672a05bdc420bd4e86945e1150b9c"
            "74bb31a56d3ad39262f848532fbe0f1301a5bddf0e3bf207b5e7d95ede34d7ca28a894cf5188838e593639b7"
            "8dbb47dc3397d2a4633542f5a21214c708c16d3be690de463089f09de7f36cc48aee3ada3b50e05cba87b1fc"
            "4826e906f8601b6a0bc75034e19b0b36fbb05fc0bc98ba98dfad4e7866728c290aa835a4e902bd9f491f9690"
            "2ea2480bf77ea57db9c98b4263962891206695e65016875cf46db6020fed813ffd229a62c05043938a3370cd"
            "c14c5931d6e05402d4de09ad77499252a7ab81e57091eba3a0f86f204ef271ec10850852413f4a73106971c4"
            "d8c6f6b9d2c98119a0c2900802103f0f1505701e54220f1c5fec7e06f296517c395972156465a55da6d36be2"
            "2378e48f8a49afa90560fc18295d60809ba03d56f0e6c6d495701590d6acfdaf7326d71c6d4368aacb1078c8"
            "a3ac6682a213fa3836e96a87d236884237d75c9e7feded721e066812b16019ba"
        ),
        "u": "a04e27c27dd3c0a9fd4a8063631fc4e7310d6f4ccb902e39d7f58d2141f00f2e",
        "S": (
            "4c4f0dceb79e2682f8f7b5c1d0deaf723d7a50c0774cbf02145181f485aa10e02622f6c1eecda495e3a9a864"
            "2babb576b9f7a14a61aad9ff6540644c4660ba2d8f42d76ce936b786089330b54f43aec25b771ae0a8625cbd"
            "9d80cf0bc17383498d7f8444686e3e1a00dc7e64e77d2a0c532a213fa2d12d34d1a1de6534621a4b03874a78"
            "59ecf3bfa73385b81f2523a35698956b49c4fbcc5f6e46b516d71b0afdc6bc81a00a8b2034383f5fca02d94c"
            "3ead09cab0712f7c3aa7dbe1f250c3daf57d7a2989e11c865e5866e5b122c7ea586a5122cf5682294648a190"
            "3d652a1c49eba3732f842da6c69cb38c00054e146eefe92cbd0bb7b1e6a66d5ef502cf7eba58b5288b96c8f4"
            "3fdb2dd291ce3e0cf656b73f34e436aadd27f32f6efcc18c7f32c9a01da935e7e7885fdba1254d5f6ae484b2"
            "ff1121dda7b1596637be887bab4a3e3012a22d37c0dade603e2386bbef8cf5866af88da0493c8bc2821ed123"
            "6cbc82360b314e60098ecdad7b9ed1d1ee1eeb6d6de491e7f4225a8d6ae962d6"
        ),
        "K": "f8a1fbdac3cdf187384118c8ba3a22e3",
        "secret_block": "R3Uxio/rrSjmk6TLx2+gNMJpabpdukHaJSbsjjvinaSEanpShl2+v/1DlaiEGjKz",
        "timestamp": "Tue Jan 2 03:04:05 UTC 2024",
        "signature": "T+BuAYHF90fTgOkvvOzPceyLTw8ueAeajqT0Bhfs7Ug=",
    },
    {
        # 0x00 sign byte in PAD(A), PAD(B), PAD(S), PAD(u)
        "name": "alice_S_sign_byte",
        "kind": "user",
        "pool_id": "us-east-1_AbCdEf123",
        "pool_suffix": "AbCdEf123",
        "user_id_for_srp": "alice",
        "password": "Corr3ct-Horse!",
        "salt": "5d7b6167b3ee9631819dffcb1b748ba5",
        "pad_salt": "5d7b6167b3ee9631819dffcb1b748ba5",
        "x": "ab35114db0cf0dd9adbeebe72a58a145eee8cde494c4cf9317d093f75bf0a41c",
        "v": (
            "6daf7617f2beea8ec1301238df0cc9cdbf5d504845cea72b1f363db477b7ac8b3d60dcde72b94097f45782d1"
            "861f914492e5de659eb62bbbd6a1997530a43887cf32b126e1667da44d1b2121cdca8bc2417f908ad5364675"
            "12b70e32f8325448438bc6e13d95750e03fda48cf6b16b4a95534baad216ec439132b180b31865dc848f33e3"
            "307f8e524a5204c594bb7c2d0e35f28a579602e2cd18a90bc02115bfdf61bd430de119a2a67cb8d2a76a688f"
            "f584e91c681de562ddd62ccf99f3f5d9011dde811ea3f5c46448713b6f9cfc6f28612661191f4d170b29c224"
            "78ffa045bc4e151b528d555433266fbcc69f8b95e658949f5bac347199a383c0760b8051b06635d00b71e18a"
            "495e3d43326b3340a1e39db50ecaa596a3bdbbeb0ff081f6bec837eb6d5579109eb332b36841b5f762278641"
            "3353101fcedd9d7fa7163fcf78488c8a06861474c4d639239ca3cb32749f2f664eee03d580bbc375cafc28ca"
            "818f5134bf913f1f80f828f4209393dc493409d35a4b0dd47305cda4fca34f0a"
        ),
        "a": (
            "3c6aae300144e979f555de73813c67d83c41d30aada4fea996dd3f9507843ae8b70db6c48b41d93346ef6e91"
            "c0980d6854bceb146a437de5d0fd20c537bdd4d299600b9ed36f5bf182cf7594be543e85b62beadc72b4f735"
            "a5ef986cb2beb9df78e89cedf3b6b235f923ef66fbf8e60fa48d366e02b9d0eea93748cea56ae534"
        ),
        "A": (
            "8882262e6a04de21fbae6b039d5314967ad79ea0a4874be246c65c59298a3fc4d4d52641dbbe4a24c46aa566"
            "54f204865f3a7174a15ca8bb55c3914dd43e4c17905e7aa1961a61e0fa4f04f0d2e78451e3b320d51df4733e"
            "54a31827d9a49d515ca8ec6a21f8e2cd3bbbff012be1feeb86e91d6ed310e0dfaf266a0e5ef6d1f3759ffdbd"
            "bc394bd76fe12b069d4cedf814514311e0cfb33c9f49416c54e09d5b3a886a8e662c00633a56cfe2cf419ed2"
            "3d129f0212b512d57cb9620cb49a4cc7c6e72bd967cd938d65882be6bd8abee653cecdbb6e33924a7c65dcea"
            "5eea9763fc39963b79ee5314154108aaeb0cca282abfe3bb72f3bcb0bd7946dccb6a9a417f3de248eedccf80"
            "ee03b26fb6d9178d725843f18556113aa96dfbc04b65753d21f2277baba560298503d3915662c7e704b3f1ae"
            "327f710638201559d1d11560eb30b0fa3e6ff88de0603fc341cb74000313db2af34e007f74f49b799634a7cc"
            "280274298759aa9864748aab80d6de8477905a957f14f2d48b2b539afbf434b8"
        ),
        "b": (
            "4f6d39b7e40f07f56c1ef9f3564ab181deaf84806f9ce0e61da4b76ad165cfd0aed3853420fd857c172491a8"
            "2726f57a45e2caa9411bb3ddee01a02049bc422549b3d2c0cf272d481d448f20657867b0ae42bfbd09ce8a11"
            "e6ed83fd263811432c58e9f61534ba35ba4c77f0699851ca933bb6f43578170038e238cb3bdbe51e"
        ),
        "B": (
            "f99d3f2907ecdf15221c86238dade98134c040f0bbe287b9aba9d52b183e4d73eacd972278e1c5e5949cbec4"
            "0c97c99f3d51d9f3e73507181c6aba5b3cd49fa0133f39732fa97fcf96f4bc388ab4f6dd621e313441855450"
            "e95e67e185a8802447684b92f943d4ad033163c83439fe10728b6f4b98bf33d2ce414d05fbc7af1f990ea659"
            "da96fb433d351ec044335c58f004475abcfdd375a501dbacc090a9ccb49fe8b90633baa83f59c83ca73ac3cd"
            "7705cecaaa3747cca46a5da002640cb61dc4183c0ed141a9b57ccde9c3af658d8ac1666a6fb5432d18012ab7"
            "c15d0e1f82e43df3de52ecf6fb000cebb220c6ef707120a8e02a79251343238878a7575eebed640d15f5bba7"
            "986949f74ed1a51f030fb195805369a525589e05442e20d0900b76e0b5237f4984b8fe75fba6d3a02255c995"
            "790994504af9833f95767910a2be47194c9144be73cd362bd7c06cd367bb0816d448bc06e3e0c20f782919ca"
            "05c611b0485885927cb7110a532cceeb75df6d1aac749e4223eaf6231b9b5cf7"
        ),
        "u": "a903207173b90f160cb5d896fbed419cc0690c573d4969d867f225b59e9f60f1",
        "S": (
            "ec01965d7597491e86e500f1ec02fd8bd61b3d1e9a6741a63450016fea9a5e7d2f103c7ddbcb74d2ee3fadf9"
            "8d70a2bfa033c212fa45dd2684b660edd29dd226d80dd2efcd1c472ca842cfd84caf5ef52a772d2e33ddc563"
            "4120ad89fb37cc3a1be7d57c12d263616d69902cd84251313fd517f56ec15e0a798b67ead4af0c2592dc3ba8"
            "1dbf5e90f70d9351c99e75e20e6e97f11b95f724291cb41e205fa3d70e427d6b26c7f4405c69f76c9f92e232"
            "b6eddc7af7e5d574b21b0aa1d57426f4e9834f2be4317e1083f22179b4e1494358f08651ca526ab82e86e977"
            "0b051c18bb5890072bc1227e8914e28fc4ccf185a46c38f15d444e672cf3b1e4d64d69cba9c25d47b6a7e645"
            "009b06a35339e2b337ab3cbd011f4837556f789e7aa5e764a381f2a0212fc9d6caaaeb68499883d8efd817ac"
            "54b4c3e0a394053fa3fcf4ed896e8eeb3694b66d931daa661a55664ccf9270d2a4dcd6ccd7243c5bebcd3c41"
            "4bae134879861734283120eb4201a4990fe974a4b494530e3901cca5bf13f013"
        ),
        "K": "3a842140fa4b4be318ec5c2361275564",
        "secret_block": "exlh55NmrpZ+4w1fTNdf+SuEQo3YyrPqfNX29VdBF8hs9e4CBJ/vAq8Sey/lDUDs",
        "timestamp": "Tue Jan 2 03:04:05 UTC 2024",
        "signature": "Q67DdN8hyaBzaaqOO0FmS0UrzzRBLd3A/nDsfZJvV6k=",
    },
    {
        # 0x00 sign byte in PAD(B), PAD(S); salt starts with 0x00
        "name": "alice_salt_leading_zero",
        "kind": "user",
        "pool_id": "us-east-1_AbCdEf123",
        "pool_suffix": "AbCdEf123",
        "user_id_for_srp": "alice",
        "password": "Corr3ct-Horse!",
        "salt": "7597e532c79d8e774e4353b14fe2bc",
        "pad_salt": "7597e532c79d8e774e4353b14fe2bc",
        "x": "d799ca8a1eb1b15c0fdda63119667d49683bc0216d3532241d2aa98e81314f12",
        "v": (
            "b505351be30fb78a7c7b6beb9eddf3fface8b50a96ed2b2b7dff1355eba44323bc1d1e8ef517566bc29cc497"
            "7f12ee296ec427c240a21151d47b832ef4ee8aebd0fafb331168cf077b5b4ae94ec663b0ce2c31f4ec5cdfa6"
            "a78a0728e84fbad0fb15e47e0a8e5129a3f6fe1717221e9657068d39f16640fadaa5f914dac0f352e4a70f41"
            "74310ff11351c1969fc0df382a79e33a0703b44858e919b5c427058c934132ce13711b071df3ac127e851ac6"
            "26101d9458ece3c59aebf98b4052c7e593ca0ab5246c3ef30afe27a1e806d91f5574a27a55f0d1cf3676ff27"
            "c6a64b58b57263b02288969ce7a9a3bd4bb9e9556cfa4a52bc52ab5b38d59b75b55baf2f7c703564ef954c66"
            "ab9f638b5b1aa01034d46fe0adffbaab48f67021731e3ee760791186c9a3d07077cd79e57c5b3a812d226dbf"
            "676adaaa1b68bd85af897b844f9cd43ccbc65b0e6170429cff6f5363cfc1b5366f5be087d16c43cc5802c191"
            "c738848b0ab398bca55471c149a13673c15144eddd7d6c3182b8ceea0530e8f1"
        ),
        "a": (
            "dca7422a7a13dc6f8e5316b8912f21175cf906384782c8d06ceca2a5e77ba5bb046983218d555d8f2a307979"
            "f2054f091081e5dafe59e21587f09cf288e7830477d8d519f247ad177ac65ba2b060f4f3ea00406c652ff1f7"
            "2bbf23cf5a4b96ebc2258190b073e3329bbc69eea9ad448aba1354c13b795b510a959f6fc6a6efab"
        ),
        "A": (
            "61328fdd4c015873da99eba3746e0262f4abbc772f9c63aa5980c2912decb4ebf7423eff2c09e75b0bda30cf"
            "5a8886e409347007f32975d87e3845319b0f25626f989323dc400ad115199fe856c876457864a1fcb72d9165"
            "0ebd0678cd03ea0eba32c953344668c578b20f08fc3c6bd3e024693defd7d452a4e35f8b643295fb2902ea68"
            "9a793e34b3917a8342a7b749570c7b160ae2d207edb061b62b15e5b13a5a7de531a26a9436515ca719eabb44"
            "81fde8fd6342c7d01e5c674554b1bf061bb6c23dcbde0c9c9a4ed5dfa706515193a29fea12cf73144f76a680"
            "901fa563e55b16a729518eeb2dd83aa362cd520d84bdfa9b2c7bc98ada60b6ed47aa490b28538dd2c524de1c"
            "4f3b5865d681ca2660ec5171c1e8c1a75bb56dc173e5d31bc85eb168c464234d8218f808fde4ea18482c8fb2"
            "75d8df0622de1a5ff942cf87f407475817d647b68bacab165e106f3fb2f9b67ad6e6e9d009856a5d17aeb0e4"
            "98428cc2b2d44539ea1cd4ab2530d7d5a90e59db0342be5ed3424cce1f3e4535"
        ),
        "b": (
            "f8ac89d183e489a0b31c548b9e87a15039f0c6136735f1595e289ce03e8036ff05738da34b307ecfa9aedbef"
            "17af9103e0f1e223599f86cd8a4714fb2336833aae76eea2ea6eb8b8ee409542bf4831faf3a832e41e2c0a14"
            "4750fcf0c321ae4de51b5fb79b5ddb5f5a3709d23e36f29fe6dafea90eb4245b032b654d364bc6b0"
        ),
        "B": (
            "86b0b555a23bd61e9a7c39b392f07a2babb666069d94e3d985fc0ffa17f8841e44f29eb4a73bc17980562014"
            "f61bac68c66b95d275b2145b0500c27293f6f82435b5c4baee3df32d397ce5cfbd9d85c8c690cd5a571c868f"
            "575cc0edfbf5d978f47db0188a26a81e5983d7dbd85d7e4f2dcb6acf267ffc296af42480dc5f7615ca6eaea8"
            "7cc4c445e510f0557b21edf055e85a474720a47a8a1d19038d91c36977ae9d8743c7724f8d4eed1a318d0caf"
            "62a8e9c51bc44c6839e38b47a0b2899c5fdc5de129b28042597594b5a819013cfe4caa05f84b1f7518ab8b7d"
            "0b76fb399c61121b206cfbf0056591f06f81be4c641412c76ef08d8e21eded95d0373fa21d1c19c9e9ad3d46"
            "2d9f2a18f2e6e7265274abcaa70e3bf6f65784ea54350f2b02c9566fbc5ef2899232b5a133de4a2ca3f56c76"
            "4843f88e55eebd93f9cfb4262e9d37789b25b328894a0bc68948679a687c701870b05f11d77d0a614e59d1d6"
            "824c4e1bb4a7e4c970d65d64e2c7fd2fd094cf2840d367f780e859fce111b8a8"
        ),
        "u": "169be68553473caf7430c4744ad3ecd5d98b6d83a1e117f3228d46e76b1d6805",
        "S": (
            "f2204f84db18b252be191a78b02959ba0ba89175456bf183ac3e77a0cadf0866a4b6cad1a662a49d4021510a"
            "59ccdc48aa90e2549cccfcbb02194596b8d66eb62db9453891ff915b6c6f399b4285efe501bf1e9929f58ea2"
            "a8bcab476332f9e3e3c8fd4a95a58a09e76c279db8ec9a1ab814f5ad2d9c30055324406767dcbf1de9ea16ac"
            "9fa2713fcb8da003cd2daa9b83de1fcba13e0a7d31eb582177f7b4e9c18843058f7174ec8d4136555a8698f1"
            "5883aed75b25dea6212303001f8d7734863164ad4d0ec0171ad9fcbff1d8d3ec5da6bb1f574e2de2f25b4dc2"
            "5e1dde8183e4834ddbf03d41ec92183d54758df25c58e876b57796d2965586490b0bd9ca821569fac5632801"
            "9c95e3e02b086b36227ebcd4a1d12c4ffd9ed786dc422e41459c525d0a9ea9caf4964c66658b6e583a22a815"
            "e67f8df61d7af9bcfff512d341c6cc0620d5b7bf2fd300ae0768b94ff112c18ae6687d6055e47041f4eef1bf"
            "494fd0343df1f1b8f5b7f0565a6646707a642532b8a307ed83a9bbd7f6ef48a8"
        ),
        "K": "779041a99425e8dcd257af1fd69cd2ef",
        "secret_block": "cncr4z7yRs/Gf+rGW3WMAYDHjIImhrZuZZMx9QnMsAlKftxAAp3DDFviGV6F7aF/",
        "timestamp": "Tue Jan 2 03:04:05 UTC 2024",
        "signature": "rfEVgPmQMvppCuihAUXwZyiGFyS6Fks7cawTcMylZl8=",
    },
    {
        # 0x00 sign byte in PAD(salt), PAD(B), PAD(u); salt starts with 0x00
        "name": "non_ascii",
        "kind": "user",
        "pool_id": "us-east-1_AbCdEf123",
        "pool_suffix": "AbCdEf123",
        "user_id_for_srp": "zoë.müller",
        "password": "pässwörd-€-1",
        "salt": "fb15a891090adb165c2f469ee2a692",
        "pad_salt": "00fb15a891090adb165c2f469ee2a692",
        "x": "89c0eaf1b49a26407a2819320a1cb60092da367c47368320867fd4c071dbaeb5",
        "v": (
            "4ab75bd7de475e47fd1c2291eef9809bcab4d9c8de95c5d33bce3d46e73eaca6915dbeb18b1ec6482f00301d"
            "68bd4808b1613a9c11e000d64f2ddbd3b1a9f1d872302df06f0717ca9933ebfa8eea9f17bb114048564cadfc"
            "8e2dfc2a9fbab3a63bcb33314aebe9620f9d1ea462c6b742ef94966f6ebca9122c80b3f5cadb2de462435620"
            "d3c0dbd7359e5d66fa090d5dfc2b3edc51335b34f0861b5604cfcd19873919f93dee25f4654a9b11fcd1a9b4"
            "3c333d1f363127cd781c627f5049c4e572099228dde43e138cba463d252de62d49e7c2fa250af96fcb428a11"
            "aef133d6ef7650d36e37b17bb4e5ba60890464ba8f0d3fe5eb2057aafec11afa9996963e5b723eb77a8200ba"
            "35ecbfbb457a7ac50e84d6cb08a2428e3131e9b660ae0230109223ca4cf051282c8f54f56dca3cbd53659273"
            "455f7a1aa463db91726481592a39374235692ea42eb46a27b20fddaa7627eb4040c5881fcfa779eddd6bcd77"
            "755910424727d83dc5c847793d47c1d9598b38d698af712b103d641cb0d5b565"
        ),
        "a": (
            "a22cf2280af8db8aab1813a928d17a76947e9646c0cd29422a32ccbc1f59df0fc84d7130d0b26e04c1ff8abe"
            "efdcb12a827d2a1448adccd313f5a24cecbb4536aee1b3260c60f634832d023a51bc12118c3f3283dfabc1c3"
            "c530aaced3b6c3eec3fdacc6ccee39b341b560cc5246d5cdc27bd74f402f83725489d41c45671ecd"
        ),
        "A": (
            "695b319d5126a7b613eb62719822ed07604de400baa71bf13299afe3be51889892d42457c2dc5f2b73ce2900"
            "a3e5135c1ef3e38b2dd3bf0b8691e7f8248f29fc9d67ec27f6d456e2888cd03e15935357db79e22fad6aa28f"
            "bd9ba3d72d04e3cebddfecad4479c489ab6012474435ac429774af88afc4ded6f7441761d62074770e88b59e"
            "36eceddbaf2ae6691225a020a49032a0a9346ba42e63475d65594c67af93e911cfb8287151c68d46a16f206a"
            "9a3b39c3174724d9e36e5b994df2daa3e0afe628f07d676f5cea8b09d76e161f08b2b899bcfe55f975d0d7f6"
            "7ed2e57ee6b97fdf765c359685b9504bd5d065e1eac26ec6c37e75b372139b0b6ac0efa148d453f1e8a304d7"
            "477ee647b2dee5c24604fd00d933f3ebba4c46378d36791c5e88ceefbd02e9421b2cc533c0d20fc90066235a"
            "d6e08074f3e67d1abda3bca6c1f5403de46606c864011bd9200aec3d2e3638113f468b091520d8c18ef3b72b"
            "5476417d6cff25ffcde25ef2140644efa070a09b893c8faf3ae624559153ef66"
        ),
        "b": (
            "1c5acb911b0d7583a2bd40d90cc69c07e5483d613e184ff66a03b4dde9d43101613c9e4ac01173136877ad92"
            "68a8ef4e59b695001a064c3e1ea41885e0c46d6496eb5da81237eed0469a36c569f667e4f84dc445cb20000b"
            "0b2ee5a94aedd3ee9014499260f3a7c14b4dec43b02305149670472ad1e8d70742706effdcda8cc3"
        ),
        "B": (
            "c6090baa9960a9d2c453c71ac0cefcd081d8b190e8c449f89cd851079a5b1bda17e16d38709ea7e508e0b28b"
            "c85cae3465eac34ed8db2eeb765b29fd4bc0134ac60738b7348b8f6cb985956cb1f227a556064d7eeb5fa20c"
            "e15e35600505c108fe630ae079aed8fe07f14d0ea12563178df349e8a3b7e0b45d33f0f24d9f27290f4b1695"
            "04f23ea4d57695d7d9f91d798b2f9bb5e9453a55fd142c86bbca082e4bbc74427c0ef2cd0637b63009a2e533"
            "a991cb4aa1cd04db4102e516419632e0de5045b8872aad4203ce6f1d12d3abc852ecaa1a85f4cbc78ce7db4b"
            "b3e54124b9ba3aa7aac7108c29995621d9bfbca6e96cd748dd6ead2cc8d7d44ec229eb94cee8ba81953d54b6"
            "862124dfb715f0c503716dcae1314ea4b1b5bfef8d7d7e4cbde39d6ff1058c64da27004b53fd624154e322f7"
            "ccbba7171ab633ae756d636def4b50800f3b50a8f127328ae08948ab4c3123b205bfab46aa0e3b9c9b8f64c4"
            "37662af8ed45b454227c55f15040b48277d84b749e3a437e2ce7f79be02ea1a4"
        ),
        "u": "a3ac857b1e26897672cca61be4d6f10274809ab27fdf9ee1eac4b07ff65bd75e",
        "S": (
            "48e87ea29b4a646c5b1583e43328ceba21e792add7e7af2a0e8cfe71dfafc59cfb225fd0e2eccf965ff23b23"
            "14e6ba6f41143e2269e7bd524edf73fff1993e3a538ee32de50041b31de7bc066c5cdecd5f3a01eb1024102e"
            "5c862e97104898d2062181437020b4cfe32a16df6dfbf91840dd079b9076c51abe2ca0bdf14668abab8d6ad9"
            "25f41859c2fa62daa53ebc458cd6460e6f1c523448c74da2cfaadbcd5644508b1e29a470a7ff33fd6ffdcf4e"
            "92b13a33eb7409f915b2588300bb3d0779f7fb5c235d5829912bef2079c4d34587e1cd2bd14d4f93641fdaf8"
            "5012127e8a23ad78bb025d1a4864ca8714e5c483b899e04ebb7fc8fd20dd0f8e10ed9f42c745eb8b6b787b41"
            "0f14f34ad1944907ecd3bf7c28a72891eb6144d368588680b035cd40aefc8cae1459effdfe16407ade1c6d5a"
            "fd88533bc3fd1810daec8b7e52e01d7a9872e6f739ba9466307b9ffb42cb5110463c6b5c35404ce2a02442f6"
            "e36c7c7d3e86bb5f8f989a233c8dbfbddc85cfe205097a25f4d501dce4fb565f"
        ),
        "K": "af3272cd699b42c60b2dad568acd7771",
        "secret_block": "FAYL9DeDrHy7UuiqKPncTayC4JjJ+UHPj5644a8rKJEmxZKxajKNQAvwEHvKHieU",
        "timestamp": "Tue Jan 2 03:04:05 UTC 2024",
        "signature": "BTrmdzOkcjx2LKskV5T81uhsiLqPwuFPYiJzC37lc0E=",
    },
    {
        # 0x00 sign byte in PAD(B), PAD(S), PAD(u)
        "name": "device",
        "kind": "device",
        "pool_id": "",
        "pool_suffix": "-abcDEF12",
        "user_id_for_srp": "us-east-1_0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9",
        "password": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJw==",
        "salt": "7c459cae26b15568cc97431bd2621f6",
        "pad_salt": "07c459cae26b15568cc97431bd2621f6",
        "x": "a3a396a74e881fbe2fa401ed3d225e1655b6aa4a9811d81ea7a18b2f2bfffcbe",
        "v": (
            "7290918cabb6c9010b152f609bd7d8d3f0d3e0676fa470528186099c30cf523659976c82377205aa0c5a35dd"
            "0e68225c6f8857184064ec2818eda42000d5e8e3c71574b9abe107979d3cd561c2908934bb75252fece6fb4c"
            "60ab2d3b6320c5349aecd19a58ef7fd9ebfbd7358b2571bb3669366f83ecde0f02502eb77883be055a5bf59f"
            "a81902548a82b1f9396665840ebc9ce75ba927c333d286a33d40c2cacbb46179d8f9036101d6787311888d9e"
            "1d16690f27d1970505dd6011c4aedddaba62d104152477f9915b33d4f102980c72e36f1a620d1f35e004781e"
            "be716ff87144dd4147397ec7da6d05407340b377ba17368a87c2bcbb360d22dfb336f7d7ceefb7ecb72fe40c"
            "dca2157908ec2478ece040ee25896b6aeda248c64831b917f3f2e15cbf17dd46113b36b32e6f19793a2f5e55"
            "78a65d036989a7b6728b3c76084c9e8fec731af4fd722305bdc38c30993538060549a0794b0306140195d983"
            "a9601ee43c7f9f316e9daff15d560d874659880f98fff95ce972c713f3c52910"
        ),
        "a": (
            "12ce9a204ecbbd012548bb528010bd9308fdca51d14508f565107e69be880cecdae98a6881a4391ede76db98"
            "af6a1ab5500feeae35748c2abaa085d1578a428368a4d5c2984fa10f1fb0ebcf5534318041b3770edbc9cb84"
            "99a0df59a21bd9ff1417a0da2c0f4389e9d206d69df5766ed39eee28d1d2a5f644c15086b67c689b"
        ),
        "A": (
            "a1b6489ff0abd61d0388db6851cdbe27459da2b3e2348e084318bcd43cbb7bb4b791d1e1518fe9ca0cebbcc1"
            "ebf2cf99d3b460292a78be94528cbe4cab9c0fee5f7b504e206161d80a600176d5bcb442828d7a7a76b663ce"
            "416c8cedc6de370a6ff25a9d85576c7f15c5ee12210aa6d5711886c00455282aa7cd2771d8595b25d8f4d7e7"
            "843dd0ff4a87033019dd2632f6fd7ec487b13333943e90ccd90a4fd0b8e2ddfa7b1bc90f5a1e79475ff295a4"
            "da3cbb990d16ed01e4f44112bf381e9123228e5b94081026978b838b56134ef7283cb1bd514bb36a64b5c348"
            "6fa9843037139be12aa94d93024aeb3d7c43844ea9e0be9c40c1a3ab33251f5474997243dc643cf84405e8d0"
            "46379a6f3f0c5d915fb072e4fbf40836224973506501da42b81656c41a8fe83240126516fcf4045708c92bb5"
            "02855e54aa4c334b7399731803924d0b9f4b6965c93ec3b4882064539161874ae6f07241f4a8235c64f171b8"
            "d00f35844103d975a18c6214c4aad3b101fd09e4a41ad9cc529f0cda670e830"
        ),
        "b": (
            "ec8d36ae41c222cfaf2430fd0d48ff9e21cc0ff4f8bdcf176fd5e68a51c081e28f8c13c8af31af1f340eb200"
            "b1d24af939984eaab65938cab4f772240386797126728222d764765a98aa447d294f7e38c330a586d2712d45"
            "68901e70b1afd9b01e5decde66030b05c4dfc9ccc80e119c0d7d7783f7df948fab4a3c0d559fa2ed"
        ),
        "B": (
            "efba6e4e8d9b1d734d0b3e61079713d463d8f6a1559b88fd62ceaa6bb5f84a64013e7b841471e5f772f3d46a"
            "bec29d9010ca524fa93396d06f3fd67414c785019d5a93fd49104492d43cd5642a7f2dd0888b3c38fb968505"
            "8ed19f7f9034d6b68e3fa2dd888794f256b2dc59cfa9bb8f7e7f42dcb2f5e709b645bd1588c7433ced86699b"
            "aa8e556a68d7d0be1a46c2e57bd0c2a89f60bbbc42cd62995f67b32c6b1553eb5f8a47fadf4b6d86fc57e177"
            "f5fa6823bae6d9dc0c69497d186a87e7e00bf7cf1fb2e794baf6beea3542e694ee5bf7c7227ab2d70796d13e"
            "a3e3c5fc1cae78bf23e1ab979884389df76a44ac01bafce72692287a137032d8f486ee1869b6d5d95e1662fe"
            "415d1ab5ef3eb007b3a0e6ef56cfb53571f44c8df4643b3f3b018f49e8238ea50e65b80310767a080ae344fb"
            "f848813aa4c1a508cdb8992924afae567fdd69c543abb07262d9dd27c8db367581417127249159b1e8caba65"
            "9eed5d1e10e12e882f592cc727c05eef0345af7ba1d790ce901a97d398b59ec2"
        ),
        "u": "a6c434fe1596b408b22e19e75b6b7892c3cbd16375574923ea124e189680acdb",
        "S": (
            "a74b64e40d978f8f1e734cde355a7f7641e941d32854ecad5d51b1bbe34f25dc1aca5cc695cbe96b50e8abc2"
            "5ee1789199844aff627aa5cf6e63b9d9d0592604344d30986300c3b8644d7515b5bcb8f592c9c05af6e30920"
            "491fc6f738f1825a4da9d2a38b119f22479ced6e0879c84dd4ea2f4b5bf0c7ceb310d6888c6d5ce41b6b2fcb"
            "37000a07cf0c632f5f401c2ee9713f60ae1e3b62b25044a2d7ceeb332e3204ca34d91f957b8024509cabfb8d"
            "7ddbc10cb5a48fc52b11d9b4928d935039a574da69e1bbbfb8c4c9afcc2bb597312807efef0a4e01e681ecc7"
            "04054ba3ef10f92f7db6b7eedddecdc7464adb2b2e4c2cfdae1b127bd438f564e03d56058a38d0d6e3ef327b"
            "8f64e328fcee6e205ae3e5ddcfe4aacb2ef29f8f46c6c4633ac8492a2a65fdb934c402df6d7dd9c129d2125d"
            "325124add3b03f53a53cce2be1433fcead70ace9d93c73378b4f1a5aba71d3445303dfbe7024d5a82863703a"
            "e98792eef62b70170bb538722f0732592017201c5dbc5b1d8eddffc785559d1c"
        ),
        "K": "b2b4d177b015a90fefea123f6192c303",
        "secret_block": "H8vtTz0cAfqKN7NmKkxeXmn68LXFg9eqwtm+MOmd1Ud/eH0JgJQJwqhMsF/oE01e",
        "timestamp": "Tue Jan 2 03:04:05 UTC 2024",
        "signature": "FMOL1l6YR+pRdMYGjfOJ/LcyxWlKQhyi1PWQVjy9yg4=",
    },
]

USER_VECTORS = [vector for vector in VECTORS if vector["kind"] == "user"]
K_HEX = "538282c4354742d7cbbde2359fcf67f9f5b3a6b08791e5011b43b8a5b66d9ee6"


def num(vector: dict[str, str], name: str) -> int:
    return int(vector[name], 16)


def by_name(vectors: list[dict[str, str]]) -> list[str]:
    return [vector["name"] for vector in vectors]


# Section 1 and 2: primitives and group.


def test_group_prime_is_rfc_3526_group_15() -> None:
    """N = 2^3072 - 2^3008 - 1 + 2^64 * (floor(2^2942 * pi) + 1690314) (RFC 3526 section 4)."""
    with gmpy2.context(gmpy2.get_context(), precision=3200):
        pi_part = int(gmpy2.floor(gmpy2.const_pi() * 2**2942))
    rfc_3526_prime = 2**3072 - 2**3008 - 1 + 2**64 * (pi_part + 1690314)
    assert rfc_3526_prime == srp.N
    assert srp.N.bit_length() == 3072


def test_generator_is_2_and_k_hashes_padded_n_and_g() -> None:
    assert srp.g == 2
    assert format(srp.k, "x") == K_HEX
    padded_n_and_g = b"\x00" + srp.N.to_bytes(384, "big") + b"\x02"
    assert srp.k == int.from_bytes(hashlib.sha256(padded_n_and_g).digest(), "big")


@pytest.mark.parametrize(
    ("n", "padded"),
    [
        (0x14, "14"),
        (0xEC, "00ec"),
        (0x7F, "7f"),
        (0x80, "0080"),
        (0x0123, "0123"),
        (0x000A, "0a"),
        (2, "02"),
        (0, "00"),
        (0xFFFF, "00ffff"),
    ],
)
def test_pad_is_minimal_twos_complement(n: int, padded: str) -> None:
    assert srp.pad(n).hex() == padded


def test_pad_of_n_has_a_sign_byte() -> None:
    assert srp.pad(srp.N) == b"\x00" + srp.N.to_bytes(384, "big")


def test_pad_refuses_negative_numbers() -> None:
    with pytest.raises(ValueError):
        srp.pad(-1)


def test_hash_helpers_are_sha256_of_the_concatenation() -> None:
    digest = hashlib.sha256(b"abcdef").digest()
    assert srp.H(b"abc", b"def") == digest
    assert srp.H(b"abcdef") == digest
    assert srp.hash_hex(b"abc", b"def") == digest.hex()
    assert srp.hash_int(b"abc", b"def") == int.from_bytes(digest, "big")


@pytest.mark.parametrize(
    ("pool_id", "suffix"),
    [("us-east-1_AbCdEf123", "AbCdEf123"), ("eu-west-2_x", "x")],
)
def test_pool_suffix_is_the_part_after_the_underscore(pool_id: str, suffix: str) -> None:
    assert srp.pool_suffix(pool_id) == suffix


def test_pool_suffix_refuses_an_id_without_underscore() -> None:
    with pytest.raises(ValueError):
        srp.pool_suffix("AbCdEf123")


# Section 3: the stored verifier, against every vector (users and the device).


@pytest.mark.parametrize("vector", VECTORS, ids=by_name(VECTORS))
def test_salt_is_hashed_padded(vector: dict[str, str]) -> None:
    assert srp.pad(num(vector, "salt")).hex() == vector["pad_salt"]


@pytest.mark.parametrize("vector", VECTORS, ids=by_name(VECTORS))
def test_x_and_v_match_the_vector(vector: dict[str, str]) -> None:
    x = srp.compute_x(
        num(vector, "salt"), vector["pool_suffix"], vector["user_id_for_srp"], vector["password"]
    )
    assert format(x, "x") == vector["x"]
    assert format(srp.compute_verifier(x), "x") == vector["v"]


@pytest.mark.parametrize("vector", USER_VECTORS, ids=by_name(USER_VECTORS))
def test_make_verifier_from_16_salt_bytes_matches_the_vector(vector: dict[str, str]) -> None:
    """The 16 salt bytes may start with 0x00 (dropped by PAD) or have the top bit set."""
    salt = num(vector, "salt").to_bytes(srp.SALT_BYTES, "big")
    made = srp.make_verifier(
        vector["pool_id"], vector["user_id_for_srp"], vector["password"], salt=salt
    )
    assert made == srp.SrpVerifier(salt=num(vector, "salt"), verifier=num(vector, "v"))
    assert made.salt_hex == vector["salt"]


@pytest.mark.parametrize("vector", USER_VECTORS, ids=by_name(USER_VECTORS))
def test_check_password_accepts_only_the_password_it_was_made_with(
    vector: dict[str, str],
) -> None:
    stored = srp.SrpVerifier(salt=num(vector, "salt"), verifier=num(vector, "v"))
    pool_id, user, password = vector["pool_id"], vector["user_id_for_srp"], vector["password"]
    assert srp.check_password(pool_id, user, password, stored)
    assert not srp.check_password(pool_id, user, password + "x", stored)
    assert not srp.check_password(pool_id, user.upper(), password, stored)
    assert not srp.check_password("us-east-1_Other", user, password, stored)


def test_check_password_refuses_a_lone_surrogate_without_raising() -> None:
    stored = srp.make_verifier("us-east-1_AbCdEf123", "alice", "Corr3ct-Horse!")
    assert not srp.check_password("us-east-1_AbCdEf123", "alice", "\ud800", stored)


def test_make_verifier_draws_a_fresh_16_byte_salt() -> None:
    first = srp.make_verifier("us-east-1_AbCdEf123", "alice", "Corr3ct-Horse!")
    second = srp.make_verifier("us-east-1_AbCdEf123", "alice", "Corr3ct-Horse!")
    assert first.salt != second.salt
    assert first.verifier != second.verifier
    assert first.salt < 2**128
    assert srp.check_password("us-east-1_AbCdEf123", "alice", "Corr3ct-Horse!", first)


def test_salt_hex_is_minimal_lowercase_hex() -> None:
    """Section 3.3: pycognito hashes SALT as given, so no leading zeros."""
    stored = srp.SrpVerifier(salt=0x007597E532C79D8E774E4353B14FE2BC, verifier=1)
    assert stored.salt_hex == "7597e532c79d8e774e4353b14fe2bc"


# Storage encoding.


@pytest.mark.parametrize("vector", USER_VECTORS, ids=by_name(USER_VECTORS))
def test_verifier_survives_its_storage_encoding(vector: dict[str, str]) -> None:
    stored = srp.SrpVerifier(salt=num(vector, "salt"), verifier=num(vector, "v"))
    blob = stored.to_bytes()
    assert blob[0] == 1
    assert srp.SrpVerifier.from_bytes(blob) == stored


def test_storage_encoding_is_compact() -> None:
    stored = srp.make_verifier("us-east-1_AbCdEf123", "alice", "Corr3ct-Horse!")
    assert len(stored.to_bytes()) <= 1 + 2 + 16 + 384


@pytest.mark.parametrize(
    "mangle",
    [
        lambda blob: blob[:2],
        lambda blob: b"\x02" + blob[1:],
        lambda blob: blob[:-1],
        lambda blob: blob + b"\x00",
        lambda blob: blob[:-384] + (0).to_bytes(384, "big"),
        lambda blob: blob[:-384] + srp.N.to_bytes(384, "big"),
    ],
    ids=["truncated", "unknown-version", "short", "long", "zero-verifier", "verifier-not-below-N"],
)
def test_from_bytes_refuses_a_damaged_record(mangle: Callable[[bytes], bytes]) -> None:
    blob = srp.make_verifier("us-east-1_AbCdEf123", "alice", "Corr3ct-Horse!").to_bytes()
    with pytest.raises(ValueError):
        srp.SrpVerifier.from_bytes(mangle(blob))


# Section 4.2-4.3: the server's arithmetic for a sign-in, against every vector.


@pytest.mark.parametrize("vector", VECTORS, ids=by_name(VECTORS))
def test_server_side_of_a_sign_in_matches_the_vector(vector: dict[str, str]) -> None:
    v, b, A = num(vector, "v"), num(vector, "b"), num(vector, "A")
    assert srp.powmod(srp.g, num(vector, "a"), srp.N) == A

    B = srp.server_public_key(v, b)
    assert format(B, "x") == vector["B"]
    u = srp.compute_u(A, B)
    assert format(u, "x") == vector["u"]
    S = srp.server_secret(A, v, u, b)
    assert format(S, "x") == vector["S"]
    key = srp.session_key(S, u)
    assert key.hex() == vector["K"]

    signature = srp.password_claim_signature(
        key,
        vector["pool_suffix"],
        vector["user_id_for_srp"],
        base64.b64decode(vector["secret_block"]),
        vector["timestamp"],
    )
    assert base64.b64encode(signature).decode() == vector["signature"]


@pytest.mark.parametrize("vector", VECTORS, ids=by_name(VECTORS))
def test_client_and_server_reach_the_same_secret(vector: dict[str, str]) -> None:
    """The client's S = (B - k*g^x)^(a + u*x) mod N equals the server's (A * v^u)^b mod N."""
    a, x = num(vector, "a"), num(vector, "x")
    B, u = num(vector, "B"), num(vector, "u")
    client_secret = pow((B - srp.k * pow(srp.g, x, srp.N)) % srp.N, a + u * x, srp.N)
    assert client_secret == num(vector, "S")
