-- panmilter.lua - drive panmilter with miltertest, an independent
-- implementation of the milter protocol (OpenDKIM's test client).
-- The socket comes from -D sock=unix:/path. Card number: a published
-- test number (Visa 4111 1111 1111 1111).

-- message - one message on a new connection; returns the connection
local function message(rcpt, subject, body)
	local conn = mt.connect(sock, 40, 0.25)
	if conn == nil then
		error("cannot connect to " .. sock)
	end
	mt.macro(conn, SMFIC_MAIL, "i", "MT" .. subject:gsub("%W", ""))
	if mt.mailfrom(conn, "<sender@corp.example>") ~= nil
	    or mt.getreply(conn) ~= SMFIR_CONTINUE then
		error("mailfrom not continued")
	end
	if mt.rcptto(conn, rcpt) ~= nil or mt.getreply(conn) ~= SMFIR_CONTINUE then
		error("rcptto not continued")
	end
	mt.header(conn, "From", "Sender <sender@corp.example>")
	mt.header(conn, "To", rcpt)
	mt.header(conn, "Subject", subject)
	mt.eoh(conn)
	mt.bodystring(conn, body)
	if mt.eom(conn) ~= nil then
		error("eom failed")
	end
	return conn
end

-- 1. clean mail: accepted, X-PAN-Control added
local c = message("<someone@partner.example>", "clean", "nothing to see\r\n")
if mt.getreply(c) ~= SMFIR_ACCEPT and mt.getreply(c) ~= SMFIR_CONTINUE then
	error("clean mail not accepted")
end
if not mt.eom_check(c, MT_HDRADD, "X-PAN-Control") then
	error("no X-PAN-Control header on clean mail")
end
if mt.eom_check(c, MT_BODYCHANGE) then
	error("clean mail body was changed")
end
mt.disconnect(c)
mt.echo("ok - clean mail accepted with X-PAN-Control")

-- 2. a card number to a reject recipient: 550 5.7.1
c = message("<someone@partner.example>", "reject", "card 4111 1111 1111 1111\r\n")
-- (this miltertest's eom_check(MT_SMTPREPLY) aborts the script, so the
-- code itself, 550 5.7.1, is asserted by t-10 through a real Postfix)
if mt.getreply(c) ~= SMFIR_REPLYCODE then
	error("card to a reject recipient: no reply code")
end
if mt.eom_check(c, MT_BODYCHANGE) or mt.eom_check(c, MT_HDRADD) then
	error("a rejected message was modified")
end
mt.disconnect(c)
mt.echo("ok - card number refused with a reply code")

-- 3. a card number to a mask recipient: body replaced
c = message("<ap@billing.example>", "mask", "card 4111 1111 1111 1111\r\n")
if not mt.eom_check(c, MT_BODYCHANGE, "card 4111 11** **** 1111\r\n") then
	error("card to a mask recipient: body not masked as expected")
end
mt.disconnect(c)
mt.echo("ok - card number masked in the body")

-- 4. track data to a mask recipient: rejected all the same
c = message("<ap@billing.example>", "track", ";4111111111111111=28121010000012300000?\r\n")
if mt.getreply(c) ~= SMFIR_REPLYCODE or mt.eom_check(c, MT_BODYCHANGE) then
	error("track data not refused")
end
mt.disconnect(c)
mt.echo("ok - track data rejected")
