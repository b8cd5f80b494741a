# undersign 介面文字：繁體中文（以英文版為參考翻譯）。
# 文字要簡單、簡短：許多簽名人使用的是第二語言。

## 每個頁面
lang-name = 繁體中文
lang-nav = 語言
demo-title = 示範。
demo-banner = 這是一份示範用的請願書：它的密鑰就存放在本伺服器上，因此在這裡簽署的任何內容都不是私密的。請不要填寫真實資料。
back = 返回請願書
link-about = 我的簽名會如何處理
onion-address = 在 Tor 上，本請願唯一的洋蔥位址是：
link-withdraw = 撤回簽名
link-check = 查詢簽名
link-accessibility = 無障礙
footer-organizers = 這份請願書的發起人是 { $name }。
footer-contact = 聯絡發起人：
fallback-note = 這段文字還沒有您所用語言的版本，所以以原文顯示。

## 請願書頁面
sign-jump = 簽署這份請願書
signatures-label = 簽名數
count-line = { $count ->
   *[other] { $count } 個簽名
}
count-goal = 目標：{ $goal }
closed-heading = 簽名已截止
closed-text = 這份請願書已不再接受簽名。感謝每一位簽名的人。
paused-heading = 簽名已暫停
paused-text = 發起人暫時停止了簽名。請稍後再來。
sign-heading = 簽名
error-prefix = 錯誤：
errors-heading = { $count ->
   *[other] 請更正以下 { $count } 個問題：
}
field-first-name = 名（不含姓氏）
field-last-name = 姓氏
name-hint = 如果您只有一個名字，填在任何一欄都可以。
field-affiliation = 所屬組織
field-email = 電子郵件
optional = （選填）
consent-label = 我同意以上方填寫的資料簽署這份請願書。
public-label = 公開列出我的姓名
public-hint = 勾選後，您的姓名和所屬組織會隨請願信一起公開。如果您不勾選此項，您的姓名永遠不會被公開。
before-heading = 簽名之前
who-sees-name = 誰會看到我的姓名？
who-gets-email = 誰會取得我的電子郵件？用來做什麼？
who-runs = 誰是這份請願書的發起人？
how-kept = 資料如何安全保存？
how-kept-text = 您的資料一到達本伺服器就會被鎖定（加密）。只有發起人能在他們自己的電腦上解鎖。本伺服器無法讀取這些資料。它不記錄您的 IP 位址，也不設定任何 Cookie。
honeypot-label = 此欄請留空
sign-button = 簽署請願書
sign-sending = 正在送出……
pow-status = 正在確認您不是機器人……您的簽名馬上就會送出。
seal-status = 正在您的瀏覽器中鎖定您的資料……
seal-dropped = 連線中斷了，所以本頁面還無法知道您的簽名是否已送達。您填寫的內容仍在這裡。請再按一次「簽署請願書」。您的簽名絕不會被計算兩次。

## 單一欄位的問題
problem-missing = { $field }：請填寫此欄。
problem-name-missing = 姓名：請至少在兩欄中的一欄填寫您的姓名。
problem-too-long = { $field }：內容太長（最多 { $max } 個字元）。
problem-control = { $field }：含有不允許使用的字元。
problem-not-email = { $field }：這看起來不像電子郵件地址（例如 name@example.org）。
problem-no-consent = 請勾選方框，確認您要簽名。

## 回執頁面
receipt-title = 感謝您的簽名
receipt-heading = 謝謝您，您的簽名已儲存
receipt-locked = 您的簽名在儲存之前已被鎖定。只有發起人能解鎖。
receipt-sealed-browser = 您的瀏覽器在送出之前就鎖定了您的資料，所以本伺服器從未看到這些資料。
receipt-sealed-server = 本伺服器在收到您的資料後立即將其鎖定，然後才儲存。
receipt-code-heading = 您的回執碼
receipt-code-spoken = 您的回執碼，逐個字元讀出：
receipt-paper = 請現在就把這個代碼抄在紙上。它只顯示這一次，也不會儲存在任何地方，所以沒有人能再把它給您。
receipt-copies = 截圖、列印或複製代碼也可以，但這樣會在這台裝置上留下副本。複製的文字還可能透過剪貼簿同步傳到您的其他裝置上。
receipt-close = 抄好之後，請關閉這個分頁。請不要重新載入這個頁面。
receipt-private = 憑這個代碼，您可以撤回簽名，或查詢簽名是否仍被計入。任何拿到這個代碼的人都能這樣做，所以請不要讓別人知道。
receipt-how = 要這樣做，請開啟下方其中一個頁面，在那裡輸入代碼。代碼絕不會放進連結或網址裡。

## Checking the public log (on the receipt page)
log-check-heading = 查看您的簽名是否被計入
log-check-intro = 本請願維護一份公開紀錄：每個簽名對應一筆經過打亂處理的資料，任何人都無法把它和姓名連結起來。有了這份紀錄，任何人都可以核實本頁上的數字是真實的，也沒有簽名被悄悄刪除。您也可以在自己的電腦上，用免費的 undersign 程式查看自己的簽名：
log-check-code = 程式會詢問您的回執碼，並在您自己的電腦上尋找您的資料：您的回執碼絕不會傳送到本伺服器或任何其他地方。新簽名每隔幾分鐘加入紀錄一次，所以如果您馬上查看，請稍後再試一次。

## 簽名暫時無法保存時：表單會帶著已填寫的內容再次顯示
form-unreadable-heading = 無法讀取表單
form-wrong-type = 簽名應以一般網頁表單的形式送出。沒有保存任何內容。
form-too-large = 表單內容太多，無法接收。請縮短您填寫的內容，然後再試一次。沒有保存任何內容。
form-broken = 收到的表單已損壞或不完整。請返回再試一次。沒有保存任何內容。
closed-refused = 這份請願書已不再接受簽名。您送出的內容都沒有被保存。
paused-refused = 發起人暫時停止了簽名。您送出的內容都沒有被保存。請稍後再來。
try-later-heading = 請稍後再試
too-many-from-network = 短時間內從您的網路送出的簽名太多。如果有很多人共用您的網路連線（例如庇護所、校園或 Tor），這與您本人無關。目前還沒有保存任何內容。
no-js-budget = 現在有很多人在關閉 JavaScript 的情況下簽名。為了阻擋自動發送的垃圾訊息，伺服器每次只接受少量這類簽名。目前還沒有保存任何內容。
unknown-network-heading = 無法接受此請求
unknown-network = 伺服器無法判斷此請求來自哪個網路，因此沒有接受它。您送出的內容都沒有被保存。這是伺服器設定的問題，與您無關：請告訴請願的發起人。
no-puzzle-budget = 現在有很多人在沒有解答謎題的情況下簽名。為了阻擋自動發送的垃圾訊息，伺服器每次只接受少量這類簽名。目前還沒有保存任何內容。您可以解答下方的謎題，然後再按一次「簽署請願書」。
pow-unfinished = 您的瀏覽器沒能及時完成背景檢查。在速度較慢的手機上可能會這樣。目前還沒有保存任何內容。
try-again-in = { $minutes ->
   *[other] 您填寫的資料仍在下方的表單中。請在大約 { $minutes } 分鐘後再按一次「簽署請願書」。
}
kept-below = 您填寫的資料仍在下方的表單中。請檢查一下，然後再按一次「簽署請願書」。
bad-challenge = 無法驗證此表單。目前還沒有保存任何內容。
captcha-failed = 無法檢查謎題的結果。目前還沒有保存任何內容。請重新解答謎題，或者不解謎題，直接按「簽署請願書」。
expired = 這個頁面開啟的時間太長，表單已經過期。目前還沒有保存任何內容。
already-sent-heading = 此表單已經送出過了
already-sent = 簽名只會計入一次。如果您看到了回執碼，您的簽名已經儲存。如果沒有看到，您的簽名很可能也已經儲存。從請願書頁面重新簽名是安全的：發起人會刪除重複的簽名。
save-failed-heading = 無法儲存您的簽名
seal-failed = 鎖定您的簽名時出錯。沒有保存任何內容。
store-failed = 伺服器剛才無法儲存您的簽名，所以您沒有回執碼。
not-found-heading = 找不到頁面
not-found = 此網址沒有任何內容。

## 用回執碼撤回和查詢
withdraw-heading = 撤回我的簽名
withdraw-intro = 請輸入您簽名時取得的回執碼。您的簽名將從請願書中永久刪除。
withdraw-button = 撤回我的簽名
withdraw-done = 如果此代碼屬於某個簽名，該簽名現在已被刪除：它不再被計入，也不會被遞交。無論輸入什麼代碼，都會顯示同樣的訊息，這樣就沒有人能利用這個頁面來試探代碼。
check-heading = 查詢我的簽名
check-intro = 請輸入您簽名時取得的回執碼，查看您的簽名是否仍被計入。除此之外，不會顯示這個簽名的任何其他資料。
check-button = 查詢
counted = 此簽名已被計入。
not-counted = 沒有任何已計入的簽名使用此代碼：簽名已被撤回，或者代碼輸入有誤。
code-label = 回執碼
code-hint = 您回執上的 27 個字母和數字。橫線、空格和大小寫都沒有關係。
code-bad = 這不是回執碼。回執碼由 27 個字母和數字組成：請檢查您是否全部輸入了。
code-typo = 這個代碼有輸入錯誤。請把每個字元和您的回執逐一對照，特別是最後幾個字元。
code-too-many = 從您的網路嘗試的次數太多。請等一小時後再試。
code-failed = 伺服器暫時無法完成這項操作。沒有做任何變更。請稍後再試。

## 我的簽名會如何處理
about-heading = 我的簽名會如何處理
about-kept-heading = 保存哪些資料
about-kept-1 = 您簽名時，伺服器會保存：您的姓名、所屬組織（如果您有填寫）、電子郵件、您是否要求公開列出姓名、頁面的語言，以及您簽名的日期。它不保存具體時間。
about-kept-2 = 伺服器不保存您的 IP 位址或瀏覽器的詳細資料。它不設定任何 Cookie。沒有帳號，也沒有任何追蹤。
about-who-heading = 誰能讀取這些資料
about-who-1 = 您的資料一送達就會被鎖定（加密）。只有發起人持有密鑰，存放在他們自己的電腦上。伺服器無法讀取您的資料。拿走或複製伺服器的人也無法讀取。發起人在遞交請願書時，會在離線狀態下解鎖這些簽名。
about-names-heading = 誰會看到我的姓名
about-emails-heading = 誰會取得我的電子郵件
about-organizers-heading = 誰是這份請願書的發起人
about-organizers = 這份請願書的發起人是 { $name }。如果您有問題，或想知道他們保存了您的哪些資料，可以寫信給他們。
about-withdraw-heading = 如何撤回您的簽名
about-withdraw-1 = 簽名後，您會取得一個回執碼，它只顯示一次。請不要讓別人知道。憑這個代碼，您可以在下方的頁面上撤回簽名，或查詢簽名是否仍被計入。伺服器不保存這個代碼的任何副本。所以其他人無法憑它找到您的簽名；如果您把它弄丟了，也沒有人能把它還給您。
about-time-heading = 保存多久
about-time-1 = 請願書遞交之後，發起人會把已鎖定的簽名從伺服器上取走，並在伺服器上刪除它們。

## 無障礙聲明
a11y-heading = 無障礙
a11y-1 = 這份請願書力求達到《網頁內容無障礙指引》（WCAG 2.2）的 AA 級標準。不啟用 JavaScript、只用鍵盤、使用螢幕閱讀器、在 320 像素寬的螢幕上，或放大到 200% 時，都可以正常使用。
a11y-2 = 防垃圾訊息檢查會在背景自動執行，絕不會要求您解答謎題。如果您按下「簽署請願書」時檢查還沒有完成，您的簽名也會照常送出。
a11y-2-hcaptcha = 為了阻擋垃圾訊息，這份請願書會顯示一個謎題，它來自另一家公司 hCaptcha。如果您解不出來，也請直接按「簽署請願書」：您的簽名仍會被接受，但不解謎題的簽名有數量限制。
a11y-time = 填寫表單沒有時間限制。如果頁面開啟了好幾個小時，按「簽署請願書」後會再次顯示表單，裡面保留著您填寫的所有內容：請再按一次。
a11y-3 = 如果這些頁面上有任何地方難以使用，請告訴發起人：
