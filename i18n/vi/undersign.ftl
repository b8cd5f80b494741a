# Chuỗi giao diện của undersign: tiếng Việt (tệp tiếng Anh là bản gốc cho mọi bản dịch).
# Giữ thông điệp đơn giản và ngắn: nhiều người ký đọc bằng ngôn ngữ thứ hai.

## Mọi trang
lang-name = Tiếng Việt
lang-nav = Ngôn ngữ
demo-title = Bản minh họa.
demo-banner = Đây là một bản kiến nghị minh họa: khóa bí mật của nó nằm trên máy chủ này, nên không có chữ ký nào ở đây được giữ kín. Đừng nhập thông tin thật.
back = Quay lại bản kiến nghị
link-about = Chữ ký của tôi được xử lý thế nào
onion-address = Trên Tor, địa chỉ onion duy nhất của kiến nghị này là:
link-withdraw = Rút lại chữ ký
link-check = Kiểm tra chữ ký
link-accessibility = Khả năng tiếp cận
footer-organizers = Bản kiến nghị này do { $name } tổ chức.
footer-contact = Liên hệ với ban tổ chức:
fallback-note = Nội dung này chưa có bằng ngôn ngữ của bạn, nên được hiển thị bằng ngôn ngữ gốc.

## Trang kiến nghị
sign-jump = Ký bản kiến nghị này
signatures-label = Chữ ký
count-line = { $count ->
   *[other] { $count } chữ ký
}
count-goal = Mục tiêu: { $goal }
closed-heading = Đã ngừng nhận chữ ký
closed-text = Bản kiến nghị này không còn nhận chữ ký. Xin cảm ơn tất cả những người đã ký.
paused-heading = Tạm dừng nhận chữ ký
paused-text = Ban tổ chức đã tạm dừng việc ký. Vui lòng quay lại sau.
sign-heading = Ký tên
error-prefix = Lỗi:
errors-heading = { $count ->
   *[other] Vui lòng sửa { $count } lỗi sau:
}
field-first-name = Tên
field-last-name = Họ
name-hint = Nếu bạn chỉ có một tên, hãy ghi vào ô nào cũng được.
field-affiliation = Tổ chức
field-email = Email
optional = (không bắt buộc)
consent-label = Tôi đồng ý ký bản kiến nghị này với các thông tin ở trên.
public-label = Công khai tên của tôi
public-hint = Khi đó, tên và tổ chức của bạn sẽ được công bố cùng với thư kiến nghị. Nếu bạn để trống ô này, tên của bạn sẽ không bao giờ được công bố.
before-heading = Trước khi ký
who-sees-name = Ai sẽ thấy tên của tôi?
who-gets-email = Ai nhận được email của tôi, và để làm gì?
who-runs = Ai tổ chức bản kiến nghị này?
how-kept = Thông tin được giữ an toàn như thế nào?
how-kept-text = Thông tin của bạn được khóa (mã hóa) ngay khi đến máy chủ này. Chỉ ban tổ chức mới mở khóa được, trên máy tính riêng của họ. Máy chủ này không thể đọc thông tin đó. Máy chủ không ghi lại địa chỉ IP của bạn và không đặt cookie nào.
honeypot-label = Để trống ô này
sign-button = Ký bản kiến nghị
sign-sending = Đang gửi…
pow-status = Đang kiểm tra để chắc rằng bạn không phải là robot… Chữ ký của bạn sẽ được gửi trong giây lát.
seal-status = Đang khóa thông tin của bạn trong trình duyệt…
seal-dropped = Mất kết nối, nên trang này chưa biết được chữ ký của bạn đã đến nơi hay chưa. Những gì bạn đã nhập vẫn còn ở đây. Vui lòng bấm lại "Ký bản kiến nghị". Chữ ký của bạn không bao giờ bị tính hai lần.

## Lỗi ở một ô
problem-missing = { $field }: vui lòng điền vào ô này.
problem-name-missing = Họ tên: vui lòng ghi tên của bạn vào ít nhất một trong hai ô.
problem-too-long = { $field }: quá dài (tối đa { $max } ký tự).
problem-control = { $field }: có chứa một ký tự không được phép.
problem-not-email = { $field }: đây có vẻ không phải là địa chỉ email (name@example.org).
problem-no-consent = Vui lòng đánh dấu vào ô để xác nhận rằng bạn muốn ký.

## Trang biên nhận
receipt-title = Cảm ơn bạn đã ký
receipt-heading = Cảm ơn bạn: chữ ký của bạn đã được lưu
receipt-locked = Chữ ký đã được khóa trước khi được lưu. Chỉ ban tổ chức mới có thể mở khóa.
receipt-sealed-browser = Trình duyệt của bạn đã khóa thông tin trước khi gửi đi, nên máy chủ này chưa bao giờ thấy thông tin đó.
receipt-sealed-server = Máy chủ này đã khóa thông tin của bạn ngay khi nhận được, trước khi lưu.
receipt-code-heading = Mã biên nhận của bạn
receipt-code-spoken = Mã biên nhận của bạn, từng ký tự một:
receipt-paper = Hãy ghi mã này ra giấy ngay bây giờ. Mã chỉ hiển thị lần này và không được lưu ở bất cứ đâu, nên không ai có thể đưa lại mã cho bạn.
receipt-copies = Chụp màn hình, in ra hoặc sao chép mã cũng được, nhưng cách đó để lại một bản sao trên thiết bị này. Văn bản đã sao chép cũng có thể sang các thiết bị khác của bạn qua tính năng đồng bộ bộ nhớ tạm (clipboard).
receipt-close = Sau khi đã ghi lại mã, hãy đóng thẻ này. Đừng tải lại trang này.
receipt-private = Với mã này, bạn có thể rút lại chữ ký, hoặc kiểm tra xem chữ ký còn được tính hay không. Bất kỳ ai có mã này cũng có thể làm như vậy, vì vậy hãy giữ kín mã.
receipt-how = Để làm việc đó, hãy mở một trong các trang dưới đây và nhập mã vào đó. Mã không bao giờ được đưa vào đường liên kết hay địa chỉ web.

## Checking the public log (on the receipt page)
log-check-heading = Kiểm tra xem chữ ký của bạn có được tính không
log-check-intro = Kiến nghị này có một sổ ghi công khai: mỗi chữ ký có một mục đã được xáo trộn, không ai có thể gắn nó với một cái tên. Nhờ sổ này, bất kỳ ai cũng có thể kiểm tra rằng con số trên trang này là thật và không có chữ ký nào bị lặng lẽ xóa đi. Bạn cũng có thể kiểm tra chữ ký của chính mình bằng chương trình miễn phí undersign, ngay trên máy tính của bạn:
log-check-code = Chương trình sẽ hỏi mã biên nhận của bạn và tìm mục của bạn ngay trên máy tính của bạn: mã của bạn không bao giờ được gửi đến máy chủ này hay bất cứ nơi nào khác. Chữ ký mới được đưa vào sổ vài phút một lần, nên nếu bạn kiểm tra ngay, hãy thử lại sau một lúc.

## Khi chưa thể lưu chữ ký: biểu mẫu hiện lại với những gì đã nhập
form-unreadable-heading = Không đọc được biểu mẫu
form-wrong-type = Chữ ký được gửi bằng một biểu mẫu web thông thường. Không có gì được lưu giữ.
form-too-large = Biểu mẫu quá lớn nên không thể nhận. Vui lòng rút ngắn nội dung bạn đã nhập và thử lại. Không có gì được lưu giữ.
form-broken = Biểu mẫu đến nơi bị hỏng hoặc không đầy đủ. Vui lòng quay lại và thử lại. Không có gì được lưu giữ.
closed-refused = Bản kiến nghị này không còn nhận chữ ký. Không có gì bạn đã gửi được lưu giữ.
paused-refused = Ban tổ chức đã tạm dừng việc ký. Không có gì bạn đã gửi được lưu giữ. Vui lòng quay lại sau.
try-later-heading = Vui lòng thử lại sau ít phút
too-many-from-network = Có quá nhiều chữ ký được gửi từ mạng của bạn trong một thời gian ngắn. Nếu nhiều người dùng chung kết nối với bạn (nhà tạm trú, trường học, Tor), thì việc này không phải do bạn. Chưa có gì được lưu giữ.
no-js-budget = Hiện có nhiều người đang ký khi đã tắt JavaScript. Để chặn thư rác tự động, máy chủ chỉ nhận một vài chữ ký như vậy cùng một lúc. Chưa có gì được lưu giữ.
unknown-network-heading = Không thể nhận yêu cầu này
unknown-network = Máy chủ không xác định được yêu cầu này đến từ mạng nào, nên đã không nhận nó. Không có gì bạn đã gửi được lưu giữ. Đây là lỗi trong cách cài đặt máy chủ, không phải do bạn: vui lòng báo cho ban tổ chức kiến nghị.
no-puzzle-budget = Hiện có nhiều người đang ký mà không giải câu đố. Để chặn thư rác tự động, máy chủ chỉ nhận một vài chữ ký như vậy cùng một lúc. Chưa có gì được lưu giữ. Bạn có thể giải câu đố bên dưới rồi bấm lại "Ký bản kiến nghị".
pow-unfinished = Trình duyệt của bạn không kịp hoàn tất bước kiểm tra chạy ở chế độ nền. Việc này có thể xảy ra trên điện thoại chậm. Chưa có gì được lưu giữ.
try-again-in = { $minutes ->
   *[other] Thông tin của bạn vẫn còn trong biểu mẫu bên dưới. Vui lòng bấm lại "Ký bản kiến nghị" sau khoảng { $minutes } phút.
}
kept-below = Thông tin của bạn vẫn còn trong biểu mẫu bên dưới. Vui lòng kiểm tra thông tin rồi bấm lại "Ký bản kiến nghị".
bad-challenge = Không thể kiểm tra biểu mẫu này. Chưa có gì được lưu giữ.
captcha-failed = Không thể kiểm tra câu đố. Chưa có gì được lưu giữ. Vui lòng giải lại câu đố, hoặc bấm "Ký bản kiến nghị" mà không cần giải.
expired = Trang này đã mở quá lâu nên biểu mẫu đã hết hạn. Chưa có gì được lưu giữ.
already-sent-heading = Biểu mẫu này đã được gửi rồi
already-sent = Chữ ký chỉ được tính một lần. Nếu bạn đã thấy mã biên nhận, chữ ký của bạn đã được lưu. Nếu bạn chưa thấy mã, rất có thể chữ ký cũng đã được lưu. Ký lại từ trang kiến nghị vẫn an toàn: ban tổ chức sẽ xóa các chữ ký bị trùng.
save-failed-heading = Không thể lưu chữ ký của bạn
seal-failed = Đã xảy ra lỗi khi khóa chữ ký của bạn. Không có gì được lưu giữ.
store-failed = Vừa rồi máy chủ không lưu được chữ ký của bạn, nên bạn không có mã biên nhận.
not-found-heading = Không tìm thấy trang
not-found = Không có gì ở địa chỉ này.

## Rút lại và kiểm tra chữ ký bằng mã biên nhận
withdraw-heading = Rút lại chữ ký của tôi
withdraw-intro = Nhập mã biên nhận bạn nhận được khi ký. Chữ ký của bạn sẽ bị xóa vĩnh viễn khỏi bản kiến nghị.
withdraw-button = Rút lại chữ ký của tôi
withdraw-done = Nếu mã này thuộc về một chữ ký, thì chữ ký đó nay đã bị xóa: chữ ký không còn được tính và sẽ không được nộp cùng bản kiến nghị. Thông báo này giống nhau với mọi mã, để không ai có thể dùng trang này để thử mã.
check-heading = Kiểm tra chữ ký của tôi
check-intro = Nhập mã biên nhận bạn nhận được khi ký để xem chữ ký của bạn còn được tính hay không. Không có thông tin nào khác về chữ ký được hiển thị.
check-button = Kiểm tra
counted = Chữ ký này đang được tính.
not-counted = Không có chữ ký nào đang được tính mang mã này: chữ ký đã bị rút lại, hoặc mã bị nhập sai.
code-label = Mã biên nhận
code-hint = 27 chữ cái và chữ số trên biên nhận của bạn. Dấu gạch ngang, khoảng trắng và chữ hoa không quan trọng.
code-bad = Đó không phải là mã biên nhận. Mã gồm 27 chữ cái và chữ số: vui lòng kiểm tra xem bạn đã nhập đủ chưa.
code-typo = Mã này có chỗ bị gõ sai. Vui lòng so từng ký tự với biên nhận của bạn, nhất là các ký tự cuối.
code-too-many = Có quá nhiều lần thử từ mạng của bạn. Vui lòng đợi một giờ rồi thử lại.
code-failed = Lúc này máy chủ không thể thực hiện việc này. Không có gì bị thay đổi. Vui lòng thử lại sau.

## Chữ ký của tôi được xử lý thế nào
about-heading = Chữ ký của tôi được xử lý thế nào
about-kept-heading = Những gì được lưu giữ
about-kept-1 = Khi bạn ký, máy chủ lưu giữ: tên của bạn, tổ chức của bạn (nếu bạn có ghi), email của bạn, việc bạn có yêu cầu được công khai tên hay không, ngôn ngữ của trang và ngày bạn ký. Máy chủ không lưu giờ ký.
about-kept-2 = Máy chủ không lưu địa chỉ IP hay thông tin về trình duyệt của bạn. Máy chủ không đặt cookie nào. Không có tài khoản và không có theo dõi.
about-who-heading = Ai có thể đọc được
about-who-1 = Thông tin của bạn được khóa (mã hóa) ngay khi đến nơi. Chỉ ban tổ chức giữ các khóa, trên máy tính riêng của họ. Máy chủ không thể đọc thông tin của bạn. Người lấy hoặc sao chép máy chủ cũng không thể đọc được. Ban tổ chức mở khóa các chữ ký khi không kết nối mạng, lúc họ nộp bản kiến nghị.
about-names-heading = Ai sẽ thấy tên của tôi
about-emails-heading = Ai nhận được email của tôi
about-organizers-heading = Ai tổ chức bản kiến nghị này
about-organizers = Bản kiến nghị này do { $name } tổ chức. Bạn có thể viết cho họ nếu có câu hỏi, hoặc để hỏi họ đang giữ những thông tin gì về bạn.
about-withdraw-heading = Cách rút lại chữ ký
about-withdraw-1 = Sau khi ký, bạn nhận được một mã biên nhận, chỉ hiển thị một lần. Hãy giữ kín mã này. Với mã này, bạn có thể rút lại chữ ký, hoặc kiểm tra xem chữ ký còn được tính hay không, tại các trang dưới đây. Máy chủ không giữ bản sao nào của mã. Vì vậy, không ai khác có thể dùng mã để tìm chữ ký của bạn, và nếu bạn làm mất mã thì không ai có thể đưa lại mã cho bạn.
about-time-heading = Thông tin được lưu giữ trong bao lâu
about-time-1 = Sau khi bản kiến nghị được nộp, ban tổ chức lấy các chữ ký đã khóa ra khỏi máy chủ và xóa chúng trên máy chủ.

## Tuyên bố về khả năng tiếp cận
a11y-heading = Khả năng tiếp cận
a11y-1 = Bản kiến nghị này hướng tới việc đáp ứng Hướng dẫn về khả năng tiếp cận nội dung web (WCAG) 2.2 ở mức AA. Trang hoạt động được khi không có JavaScript, khi chỉ dùng bàn phím, với trình đọc màn hình, ở chiều rộng 320 điểm ảnh và khi phóng to 200%.
a11y-2 = Bước kiểm tra chống thư rác tự chạy ở chế độ nền và không bao giờ yêu cầu bạn giải câu đố. Nếu bước này chưa xong khi bạn bấm "Ký bản kiến nghị", chữ ký của bạn vẫn được gửi đi.
a11y-2-hcaptcha = Để chặn thư rác, bản kiến nghị này hiển thị một câu đố của hCaptcha, một công ty khác. Nếu bạn không giải được, cứ bấm "Ký bản kiến nghị": chữ ký của bạn vẫn được nhận, trong giới hạn số chữ ký gửi mà không giải câu đố.
a11y-time = Không có giới hạn thời gian để điền biểu mẫu. Nếu một trang được để mở trong nhiều giờ, khi bạn bấm "Ký bản kiến nghị", biểu mẫu sẽ hiện lại với mọi thông tin bạn đã nhập: hãy bấm thêm một lần nữa.
a11y-3 = Nếu có phần nào trên các trang này khó sử dụng, vui lòng báo cho ban tổ chức:
