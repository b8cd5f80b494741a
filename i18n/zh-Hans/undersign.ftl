# undersign 界面文字：简体中文（以英文版为参考翻译）。
# 文字要简单、简短：许多签名人使用的是第二语言。

## 每个页面
lang-name = 简体中文
lang-nav = 语言
demo-title = 演示。
demo-banner = 这是一份演示用的请愿书：它的密钥就存放在本服务器上，因此在这里签署的任何内容都不是私密的。请不要填写真实信息。
back = 返回请愿书
link-about = 我的签名会被如何处理
onion-address = 在 Tor 上，本请愿唯一的洋葱地址是：
link-withdraw = 撤回签名
link-check = 查询签名
link-accessibility = 无障碍
footer-organizers = 这份请愿书的发起人是 { $name }。
footer-contact = 联系发起人：
fallback-note = 这段文字还没有您所用语言的版本，所以用原文显示。

## 请愿书页面
sign-jump = 签署这份请愿书
signatures-label = 签名数
count-line = { $count ->
   *[other] { $count } 个签名
}
count-goal = 目标：{ $goal }
closed-heading = 签名已截止
closed-text = 这份请愿书已不再接受签名。感谢每一位签名的人。
paused-heading = 签名已暂停
paused-text = 发起人暂时停止了签名。请稍后再来。
sign-heading = 签名
error-prefix = 错误：
errors-heading = { $count ->
   *[other] 请更正以下 { $count } 个问题：
}
field-first-name = 名（不含姓氏）
field-last-name = 姓氏
name-hint = 如果您只有一个名字，填在任意一栏都可以。
field-affiliation = 所属组织
field-email = 电子邮箱
optional = （选填）
consent-label = 我同意用上面填写的信息签署这份请愿书。
public-label = 公开列出我的姓名
public-hint = 勾选后，您的姓名和所属组织会随请愿信一起公开。如果您不勾选此项，您的姓名永远不会被公开。
before-heading = 签名之前
who-sees-name = 谁会看到我的姓名？
who-gets-email = 谁会得到我的电子邮箱？用来做什么？
who-runs = 谁是这份请愿书的发起人？
how-kept = 信息如何安全保存？
how-kept-text = 您的信息一到达本服务器就会被锁定（加密）。只有发起人能在他们自己的电脑上解锁。本服务器无法读取这些信息。它不记录您的 IP 地址，也不设置任何 Cookie。
honeypot-label = 此栏请留空
sign-button = 签署请愿书
sign-sending = 正在发送……
pow-status = 正在确认您不是机器人……您的签名马上就会发送。
seal-status = 正在您的浏览器中锁定您的信息……
seal-dropped = 连接中断了，所以本页面还无法知道您的签名是否已送达。您填写的内容仍在这里。请再按一次“签署请愿书”。您的签名绝不会被计算两次。

## 单个栏目的问题
problem-missing = { $field }：请填写此项。
problem-name-missing = 姓名：请至少在两栏中的一栏填写您的姓名。
problem-too-long = { $field }：内容太长（最多 { $max } 个字符）。
problem-control = { $field }：含有不允许使用的字符。
problem-not-email = { $field }：这看起来不像电子邮箱地址（例如 name@example.org）。
problem-no-consent = 请勾选方框，确认您要签名。

## 回执页面
receipt-title = 感谢您的签名
receipt-heading = 谢谢您，您的签名已保存
receipt-locked = 您的签名在存储之前已被锁定。只有发起人能解锁。
receipt-sealed-browser = 您的浏览器在发送之前就锁定了您的信息，所以本服务器从未看到这些信息。
receipt-sealed-server = 本服务器在收到您的信息后立即将其锁定，然后才存储。
receipt-code-heading = 您的回执码
receipt-code-spoken = 您的回执码，逐个字符读出：
receipt-paper = 请现在就把这个代码抄在纸上。它只显示这一次，也不会保存在任何地方，所以没有人能再把它给您。
receipt-copies = 截图、打印或复制代码也可以，但这样会在这台设备上留下副本。复制的文字还可能通过剪贴板同步传到您的其他设备上。
receipt-close = 抄好之后，请关闭这个标签页。请不要刷新这个页面。
receipt-private = 凭这个代码，您可以撤回签名，或查询签名是否仍被计入。任何拿到这个代码的人都能这样做，所以请不要让别人知道。
receipt-how = 要这样做，请打开下面其中一个页面，在那里输入代码。代码绝不会放进链接或网址里。

## Checking the public log (on the receipt page)
log-check-heading = 查看您的签名是否被计入
log-check-intro = 本请愿维护一份公开日志：每个签名对应一条经过打乱处理的记录，任何人都无法把它和姓名联系起来。有了这份日志，任何人都可以核实本页上的数字是真实的，也没有签名被悄悄删除。您也可以在自己的电脑上，用免费的 undersign 程序查看自己的签名：
log-check-code = 程序会询问您的回执码，并在您自己的电脑上查找您的记录：您的回执码绝不会发送到本服务器或任何其他地方。新签名每隔几分钟加入日志一次，所以如果您马上查看，请稍后再试一次。

## 签名暂时无法保存时：表单会带着已填写的内容再次显示
form-unreadable-heading = 无法读取表单
form-wrong-type = 签名应以普通网页表单的形式发送。没有保存任何内容。
form-too-large = 表单内容太多，无法接收。请缩短您填写的内容，然后再试一次。没有保存任何内容。
form-broken = 收到的表单已损坏或不完整。请返回再试一次。没有保存任何内容。
closed-refused = 这份请愿书已不再接受签名。您发送的内容都没有被保存。
paused-refused = 发起人暂时停止了签名。您发送的内容都没有被保存。请稍后再来。
try-later-heading = 请稍后再试
too-many-from-network = 短时间内从您的网络发送的签名太多。如果有很多人共用您的网络连接（例如庇护所、校园或 Tor），这与您本人无关。目前还没有保存任何内容。
no-js-budget = 现在有很多人在关闭 JavaScript 的情况下签名。为了阻挡自动发送的垃圾信息，服务器每次只接受少量这类签名。目前还没有保存任何内容。
unknown-network-heading = 无法接受此请求
unknown-network = 服务器无法判断此请求来自哪个网络，因此没有接受它。您发送的内容都没有被保存。这是服务器设置的问题，与您无关：请告诉请愿的发起人。
no-puzzle-budget = 现在有很多人在没有解答谜题的情况下签名。为了阻挡自动发送的垃圾信息，服务器每次只接受少量这类签名。目前还没有保存任何内容。您可以解答下面的谜题，然后再按一次“签署请愿书”。
pow-unfinished = 您的浏览器没能及时完成后台检查。在速度较慢的手机上可能会这样。目前还没有保存任何内容。
try-again-in = { $minutes ->
   *[other] 您填写的信息仍在下面的表单中。请在大约 { $minutes } 分钟后再按一次“签署请愿书”。
}
kept-below = 您填写的信息仍在下面的表单中。请检查一下，然后再按一次“签署请愿书”。
bad-challenge = 无法验证此表单。目前还没有保存任何内容。
captcha-failed = 无法检查谜题的结果。目前还没有保存任何内容。请重新解答谜题，或者不解谜题，直接按“签署请愿书”。
expired = 这个页面打开的时间太长，表单已经过期。目前还没有保存任何内容。
already-sent-heading = 此表单已经发送过了
already-sent = 签名只会计入一次。如果您看到了回执码，您的签名已经保存。如果没有看到，您的签名很可能也已经保存。从请愿书页面重新签名是安全的：发起人会删除重复的签名。
save-failed-heading = 无法保存您的签名
seal-failed = 锁定您的签名时出错。没有保存任何内容。
store-failed = 服务器刚才无法存储您的签名，所以您没有回执码。
not-found-heading = 找不到页面
not-found = 此地址没有任何内容。

## 用回执码撤回和查询
withdraw-heading = 撤回我的签名
withdraw-intro = 请输入您签名时得到的回执码。您的签名将从请愿书中永久删除。
withdraw-button = 撤回我的签名
withdraw-done = 如果此代码属于某个签名，该签名现在已被删除：它不再被计入，也不会被递交。无论输入什么代码，都会显示同样的信息，这样就没有人能利用这个页面来试探代码。
check-heading = 查询我的签名
check-intro = 请输入您签名时得到的回执码，查看您的签名是否仍被计入。除此之外，不会显示这个签名的任何其他信息。
check-button = 查询
counted = 此签名已被计入。
not-counted = 没有任何已计入的签名使用此代码：签名已被撤回，或者代码输入有误。
code-label = 回执码
code-hint = 您回执上的 27 个字母和数字。短横线、空格和大小写都没有关系。
code-bad = 这不是回执码。回执码由 27 个字母和数字组成：请检查您是否全部输入了。
code-typo = 这个代码有输入错误。请把每个字符和您的回执逐一对照，特别是最后几个字符。
code-too-many = 从您的网络尝试的次数太多。请等一小时后再试。
code-failed = 服务器暂时无法完成这项操作。没有做任何更改。请稍后再试。

## 我的签名会被如何处理
about-heading = 我的签名会被如何处理
about-kept-heading = 保存哪些信息
about-kept-1 = 您签名时，服务器会保存：您的姓名、所属组织（如果您填写了）、电子邮箱、您是否要求公开列出姓名、页面的语言，以及您签名的日期。它不保存具体时间。
about-kept-2 = 服务器不保存您的 IP 地址或浏览器的详细信息。它不设置任何 Cookie。没有账户，也没有任何追踪。
about-who-heading = 谁能读取这些信息
about-who-1 = 您的信息一送达就会被锁定（加密）。只有发起人持有密钥，存放在他们自己的电脑上。服务器无法读取您的信息。拿走或复制服务器的人也无法读取。发起人在递交请愿书时，会在离线状态下解锁这些签名。
about-names-heading = 谁会看到我的姓名
about-emails-heading = 谁会得到我的电子邮箱
about-organizers-heading = 谁是这份请愿书的发起人
about-organizers = 这份请愿书的发起人是 { $name }。如果您有问题，或想知道他们保存了您的哪些信息，可以写信给他们。
about-withdraw-heading = 如何撤回您的签名
about-withdraw-1 = 签名后，您会得到一个回执码，它只显示一次。请不要让别人知道。凭这个代码，您可以在下面的页面上撤回签名，或查询签名是否仍被计入。服务器不保存这个代码的任何副本。所以其他人无法凭它找到您的签名；如果您把它弄丢了，也没有人能把它还给您。
about-time-heading = 保存多长时间
about-time-1 = 请愿书递交之后，发起人会把已锁定的签名从服务器上取走，并在服务器上删除它们。

## 无障碍声明
a11y-heading = 无障碍
a11y-1 = 这份请愿书力求达到《Web 内容无障碍指南》（WCAG 2.2）的 AA 级标准。不启用 JavaScript、只用键盘、使用屏幕阅读器、在 320 像素宽的屏幕上，或放大到 200% 时，都可以正常使用。
a11y-2 = 防垃圾信息检查会在后台自动运行，绝不会要求您解答谜题。如果您按下“签署请愿书”时检查还没有完成，您的签名也会照常发送。
a11y-2-hcaptcha = 为了阻挡垃圾信息，这份请愿书会显示一个谜题，它来自另一家公司 hCaptcha。如果您解不出来，也请直接按“签署请愿书”：您的签名仍会被接受，但不解谜题的签名有数量限制。
a11y-time = 填写表单没有时间限制。如果页面打开了好几个小时，按“签署请愿书”后会再次显示表单，里面保留着您填写的所有内容：请再按一次。
a11y-3 = 如果这些页面上有任何地方难以使用，请告诉发起人：
