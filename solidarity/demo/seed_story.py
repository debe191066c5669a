"""The seed campaign: the public page this project was born from, in English, Russian and Belarusian.

The English text is the published translation (with its repeated sentence removed); the
Russian text is a translation back into the language of the original; the Belarusian text
is a translation of the Russian one (/work/shared/seed/ holds the published page).
"""

NAME_EN = "Sergei Sakovets"
NAME_RU = "Сергей Саковец"
NAME_BE = "Сяргей Сакавец"

TITLE_EN = "Help for political prisoner Sergei Sakovets and his mother with disabilities"
TITLE_RU = "Помощь политзаключённому Сергею Саковцу и его маме с инвалидностью"
TITLE_BE = "Дапамога палітвязню Сяргею Сакаўцу і яго маці з інваліднасцю"

STORY_EN = """Sergey Alexandrovich Sakovets is a 29-year-old chief power engineer who maintained an Instagram with 15,000 followers and wrote poetry. Sergei was first detained in October 2020 at the Pride March. That time it ended with a fine. However, on September 21, 2021, Sergey was detained again, right in the workplace. He was sentenced to 10 days and placed in Okrestin for subscribing to the extremist channel “Real Belarus”. On that day, after the detention, his apartment was searched. The law enforcers took away a laptop and a phone, which Sergei had bought on installment. After the search, he had to pay the money for 3 months in installments in a situation when the security forces had confiscated all his sources of income.
On the day Sergei was supposed to be released, a criminal case under Article 342 was opened against him. He spent another 10 days on Okrestin. On October 11, 2021 he was transferred to pre-trial detention center No. 1 on Volodarskogo, as the investigation was continuing. He spent 2 thousand Belarusian rubles on his attorney. At the moment the trial has not yet taken place and it is not known how much finances will be needed to pay for the lawyer. The lawyer himself said nothing, as he had to sign a non-disclosure agreement.
Sergei has been in the pre-trial detention facility for five months now. Since law enforcement officials took all of Sergei's money, his mother has to pay the loan on his car in the amount of 220 rubles, while her pension is 258 rubles. At the beginning, his mother managed to cope with all the payments, as she earned money over the summer from mushrooms and berries, but at the moment she is unable to pay the loan and the lawyer. In 5 months, Sergei wrote over 44 poems, read 40 books, learned English, and drew pictures for his cellmates, their wives and children.
Sergei writes in his letters that he is very worried about the money taken by the security forces. He writes that we can forget about it, no one will return it, and his mother has to pay the loan. Sergei and his mother cannot cope with the current situation and ask for help from everyone who cares."""

STORY_RU = """Сергею Александровичу Саковцу 29 лет, он главный энергетик, вёл Instagram с 15 тысячами подписчиков и писал стихи. Впервые Сергея задержали в октябре 2020 года на Марше гордости. Тогда всё закончилось штрафом. Но 21 сентября 2021 года Сергея задержали снова, прямо на рабочем месте. За подписку на «экстремистский» канал «Реальная Беларусь» ему дали 10 суток и поместили на Окрестина. В тот же день после задержания в его квартире провели обыск. Силовики забрали ноутбук и телефон, которые Сергей купил в рассрочку. После обыска ему пришлось три месяца выплачивать рассрочку, когда силовики изъяли все его источники дохода.
В день, когда Сергей должен был выйти на свободу, против него возбудили уголовное дело по статье 342. Ещё 10 суток он провёл на Окрестина. 11 октября 2021 года его перевели в СИЗО № 1 на Володарского, так как следствие продолжалось. На адвоката он потратил 2 тысячи белорусских рублей. Суда пока не было, и неизвестно, сколько ещё понадобится на оплату адвоката. Сам адвокат ничего не говорит: он дал подписку о неразглашении.
Сергей уже пять месяцев находится в СИЗО. Поскольку силовики забрали все деньги Сергея, его маме приходится платить за его машину кредит в 220 рублей при пенсии в 258 рублей. Поначалу мама справлялась со всеми платежами — летом она зарабатывала на грибах и ягодах, — но сейчас она не может платить ни кредит, ни адвокату. За 5 месяцев Сергей написал больше 44 стихотворений, прочитал 40 книг, выучил английский и рисовал картинки для сокамерников, их жён и детей.
В письмах Сергей пишет, что очень переживает из-за денег, которые забрали силовики. Он пишет, что о них можно забыть — их никто не вернёт, а маме приходится платить кредит. Сергей и его мама не могут справиться с этой ситуацией сами и просят о помощи всех неравнодушных."""

STORY_BE = """Сяргею Аляксандравічу Сакаўцу 29 гадоў, ён галоўны энергетык, вёў Instagram з 15 тысячамі падпісчыкаў і пісаў вершы. Упершыню Сяргея затрымалі ў кастрычніку 2020 года на Маршы гонару. Тады ўсё скончылася штрафам. Але 21 верасня 2021 года Сяргея затрымалі зноў, проста на працоўным месцы. За падпіску на «экстрэмісцкі» канал «Рэальная Беларусь» яму далі 10 сутак і змясцілі на Акрэсціна. У той жа дзень пасля затрымання ў яго кватэры правялі ператрус. Сілавікі забралі ноўтбук і тэлефон, якія Сяргей купіў у растэрміноўку. Пасля ператрусу яму давялося тры месяцы выплачваць растэрміноўку, калі сілавікі пазбавілі яго ўсіх крыніц даходу.
У дзень, калі Сяргей павінен быў выйсці на волю, супраць яго завялі крымінальную справу паводле артыкула 342. Яшчэ 10 сутак ён правёў на Акрэсціна. 11 кастрычніка 2021 года яго перавялі ў СІЗА № 1 на Валадарскага, бо следства працягвалася. На адваката ён выдаткаваў 2 тысячы беларускіх рублёў. Суда пакуль не было, і невядома, колькі яшчэ спатрэбіцца на аплату адваката. Сам адвакат нічога не кажа: ён даў падпіску аб неразгалошванні.
Сяргей ужо пяць месяцаў знаходзіцца ў СІЗА. Паколькі сілавікі забралі ўсе грошы Сяргея, яго маці даводзіцца плаціць за яго машыну крэдыт у 220 рублёў пры пенсіі ў 258 рублёў. Спачатку маці спраўлялася з усімі плацяжамі — улетку яна зарабляла на грыбах і ягадах, — але цяпер яна не можа плаціць ні крэдыт, ні адвакату. За 5 месяцаў Сяргей напісаў больш за 44 вершы, прачытаў 40 кніг, вывучыў англійскую і маляваў малюнкі для сукамернікаў, іх жонак і дзяцей.
У лістах Сяргей піша, што вельмі перажывае з-за грошай, якія забралі сілавікі. Ён піша, што пра іх можна забыць — іх ніхто не верне, а маці даводзіцца плаціць крэдыт. Сяргей і яго маці не могуць самі справіцца з гэтай сітуацыяй і просяць дапамогі ва ўсіх неабыякавых."""

BIO_EN = (
    "Chief power engineer, 29, poet; kept an Instagram account with 15,000 followers. "
    "His mother, who has disabilities, lives on a pension of 258 Belarusian rubles."
)
BIO_RU = (
    "Главный энергетик, 29 лет, поэт; вёл Instagram с 15 тысячами подписчиков. "
    "Его мама с инвалидностью живёт на пенсию в 258 белорусских рублей."
)
BIO_BE = (
    "Галоўны энергетык, 29 гадоў, паэт; вёў Instagram з 15 тысячамі падпісчыкаў. "
    "Яго маці з інваліднасцю жыве на пенсію ў 258 беларускіх рублёў."
)
CHARGES_EN = "Article 342 of the Criminal Code of Belarus"
CHARGES_RU = "Статья 342 Уголовного кодекса Республики Беларусь"
CHARGES_BE = "Артыкул 342 Крымінальнага кодэкса Рэспублікі Беларусь"

# (date, month only?, kind, place en, place ru, place be, description en, description ru, description be)
TIMELINE = [
    (
        "2020-10-01",
        True,
        "detained",
        "Minsk",
        "Минск",
        "Мінск",
        "Detained at the Pride March; released with a fine.",
        "Задержан на Марше гордости; отпущен со штрафом.",
        "Затрыманы на Маршы гонару; адпушчаны са штрафам.",
    ),
    (
        "2021-09-21",
        False,
        "detained",
        "At work, Minsk",
        "На работе, Минск",
        "На працы, Мінск",
        "Detained again at his workplace.",
        "Снова задержан на рабочем месте.",
        "Зноў затрыманы на працоўным месцы.",
    ),
    (
        "2021-09-21",
        False,
        "searched",
        "His flat, Minsk",
        "Квартира, Минск",
        "Кватэра, Мінск",
        "Flat searched; a laptop and a phone bought on instalments were taken.",
        "Обыск в квартире; изъяты ноутбук и телефон, купленные в рассрочку.",
        "Ператрус у кватэры; забралі ноўтбук і тэлефон, купленыя ў растэрміноўку.",
    ),
    (
        "2021-09-21",
        False,
        "admin_arrest",
        "Okrestina detention centre, Minsk",
        "ЦИП на Окрестина, Минск",
        "ЦІП на Акрэсціна, Мінск",
        "10 days of administrative arrest for subscribing to the channel “Real Belarus”.",
        "10 суток административного ареста за подписку на канал «Реальная Беларусь».",
        "10 сутак адміністрацыйнага арышту за падпіску на канал «Рэальная Беларусь».",
    ),
    (
        "2021-10-01",
        True,
        "charged",
        "Okrestina detention centre, Minsk",
        "ЦИП на Окрестина, Минск",
        "ЦІП на Акрэсціна, Мінск",
        "On the day he was due to be released, a criminal case under Article 342 was opened.",
        "В день освобождения возбуждено уголовное дело по статье 342.",
        "У дзень вызвалення завялі крымінальную справу паводле артыкула 342.",
    ),
    (
        "2021-10-11",
        False,
        "transferred",
        "Pre-trial detention centre No. 1, Volodarskogo St., Minsk",
        "СИЗО № 1, ул. Володарского, Минск",
        "СІЗА № 1, вул. Валадарскага, Мінск",
        "Moved to pre-trial detention while the investigation continues.",
        "Переведён в СИЗО, следствие продолжается.",
        "Пераведзены ў СІЗА, следства працягваецца.",
    ),
]

# (category, EUR, description en, description ru, description be)
NEEDS = [
    (
        "loan_repayment",
        450,
        "Loan repayment for the mother (220 BYN a month)",
        "Выплата кредита мамы (220 BYN в месяц)",
        "Выплата крэдыту маці (220 BYN у месяц)",
    ),
    ("legal_aid", 500, "Lawyer's services", "Услуги адвоката", "Паслугі адваката"),
    ("prison_transfers", 150, "Transfers to the detention centre", "Передачи в СИЗО", "Перадачы ў СІЗА"),
]

# Staff-recorded donations received while the collection was open: (day, EUR, channel, public name, message)
DONATIONS = [
    ("2022-03-01", 100, "bank_transfer", "", ""),
    ("2022-03-01", 50, "other_platform", "", "Держись, Сергей!"),
    ("2022-03-02", 20, "other_platform", "", ""),
    ("2022-03-02", 25, "cash", "", ""),
    ("2022-03-03", 200, "bank_transfer", "Friends from Vilnius", "Stay strong."),
    ("2022-03-04", 30, "other_platform", "", ""),
    ("2022-03-05", 15, "other_platform", "", ""),
    ("2022-03-06", 50, "bank_transfer", "", ""),
    ("2022-03-07", 100, "bank_transfer", "", ""),
    ("2022-03-08", 75, "other_platform", "Anna", "Сергей, мы с тобой."),
    ("2022-03-09", 10, "other_platform", "", ""),
    ("2022-03-10", 40, "cash", "", ""),
    ("2022-03-11", 60, "other_platform", "", ""),
    ("2022-03-12", 150, "bank_transfer", "", ""),
    ("2022-03-14", 20, "other_platform", "", ""),
    ("2022-03-15", 35, "other_platform", "", ""),
    ("2022-03-16", 45, "cash", "", ""),
    ("2022-03-18", 100, "bank_transfer", "", "For his mother."),
]
COLLECTED_EUR = 1125
assert sum(d[1] for d in DONATIONS) == COLLECTED_EUR

# Paid out after the collection closed, one payout per need: (day, need category, payee, EUR, public text en, ru, be).
DISBURSEMENTS = [
    (
        "2022-03-25",
        "loan_repayment",
        "creditor_bank",
        450,
        "Two months of the car loan, paid to the creditor bank",
        "Два месяца кредита за машину, оплачено в банк-кредитор",
        "Два месяцы крэдыту за машыну, аплачана ў банк-крэдытор",
    ),
    (
        "2022-03-28",
        "prison_transfers",
        "detention_transfer",
        150,
        "Parcels and money transfers to pre-trial detention centre No. 1",
        "Передачи и денежные переводы в СИЗО № 1",
        "Перадачы і грашовыя пераводы ў СІЗА № 1",
    ),
    (
        "2022-04-04",
        "legal_aid",
        "lawyer",
        500,
        "Lawyer's fee for the trial, paid to the bar association",
        "Оплата адвоката на суде, через коллегию адвокатов",
        "Аплата адваката на судзе, праз калегію адвакатаў",
    ),
]

# The news posted when the collection closed: (title, body) per language.
CLOSING_UPDATE = {
    "en": (
        "The collection is over — thank you",
        "Together you gave € 1 125 for Sergei and his mother: the loan, the lawyer and the parcels are covered.",
    ),
    "ru": (
        "Сбор закрыт — спасибо",
        "Вместе вы собрали 1 125 € для Сергея и его мамы: кредит, адвокат и передачи оплачены.",
    ),
    "be": (
        "Збор закрыты — дзякуй",
        "Разам вы сабралі 1 125 € для Сяргея і яго маці: крэдыт, адвакат і перадачы аплачаны.",
    ),
}
